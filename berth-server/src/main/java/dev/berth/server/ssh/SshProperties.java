package dev.berth.server.ssh;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The SSH gateway (docs/ssh.md).
 *
 * @param enabled                  run the gateway on this replica
 * @param port                     TCP port it listens on (0 = any free port, for tests)
 * @param bindAddress              address it listens on
 * @param host                     host name shown in {@code sshCommand}; default: the host of
 *                                 {@code berth.public-url}, else {@code localhost}
 * @param hostKeyFile              the gateway's host key, made on first start and kept across restarts; default
 *                                 {@code <data-dir>/ssh/host-key} (replicas behind one name should share it)
 * @param maxChannels              sessions, commands and SFTP channels open at once on this replica (each holds one
 *                                 thread for its input); beyond it a channel is refused with a message
 * @param maxChannelsPerOrg        channels one organization may hold open at once on this replica (its share of
 *                                 {@code maxChannels})
 * @param maxChannelsPerConnection channels one SSH connection may hold open at once
 * @param maxAuthAttempts          authentication requests per connection before it is dropped
 * @param idleTimeout              a connection with no traffic for this long is closed (0 = never)
 * @param recheckEvery             how often open connections' tokens are checked again: a connection whose token
 *                                 was revoked (on any replica) or has expired is closed
 */
@Validated
@ConfigurationProperties("berth.ssh")
public record SshProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2222") @Min(0) @Max(65535) int port,
        @DefaultValue("0.0.0.0") String bindAddress,
        String host,
        Path hostKeyFile,
        @DefaultValue("256") @Min(1) int maxChannels,
        @DefaultValue("64") @Min(1) int maxChannelsPerOrg,
        @DefaultValue("8") @Min(1) int maxChannelsPerConnection,
        @DefaultValue("6") @Min(1) @Max(100) int maxAuthAttempts,
        @DefaultValue("30m") Duration idleTimeout,
        @DefaultValue("5s") Duration recheckEvery) {
}
