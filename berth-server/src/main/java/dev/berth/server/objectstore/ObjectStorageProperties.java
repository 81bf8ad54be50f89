package dev.berth.server.objectstore;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the SDK uploads build contexts ({@code Image.addLocalFile/addLocalDir}): an S3-compatible store.
 *
 * @param port         the embedded store's port on 127.0.0.1; 0 picks a free one at every start
 * @param home         the directory with {@code berth-objectstore.jar} and its {@code lib/} (built with Berth)
 * @param publicUrl    the store's URL as SDK clients reach it; empty: http://127.0.0.1:PORT (clients on this host)
 * @param bucket       the bucket contexts go to
 * @param region       the region name handed to clients
 * @param maxContext   the largest build context (all of a build's uploads together) a build reads
 * @param startTimeout how long the embedded store may take to answer
 * @param maxPerOrganization the most an organization's uploads may take (an upload beyond is refused, 403)
 * @param keepContexts how long an upload is kept (the SDK uploads it again when it is gone)
 */
@ConfigurationProperties("berth.object-storage")
public record ObjectStorageProperties(
        @DefaultValue("0") int port,
        @DefaultValue("berth-objectstore/target") Path home,
        String publicUrl,
        @DefaultValue("berth-contexts") String bucket,
        @DefaultValue("us-east-1") String region,
        @DefaultValue("1GB") org.springframework.util.unit.DataSize maxContext,
        @DefaultValue("60s") Duration startTimeout,
        @DefaultValue("5GB") org.springframework.util.unit.DataSize maxPerOrganization,
        @DefaultValue("7d") Duration keepContexts) {
}
