package dev.berth.server.snapshot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param inactiveAfter an organization's snapshot no sandbox was created from for this long becomes inactive and
 *                      leaves the runners (its image stays in the registry; activate brings it back); 0 = never
 */
@ConfigurationProperties("berth.snapshots")
public record SnapshotProperties(@DefaultValue("14d") Duration inactiveAfter) {
}
