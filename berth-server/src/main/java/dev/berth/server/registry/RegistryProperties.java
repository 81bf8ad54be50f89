package dev.berth.server.registry;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where snapshots are stored: an OCI registry.
 *
 * @param url      an external registry ({@code host:port}, no scheme) shared by every control plane and runner;
 *                 empty: Berth starts Debian's {@code docker-registry} itself under its data directory
 * @param username the external registry's user (embedded: generated)
 * @param password the external registry's password (embedded: generated, kept in {@code <data-dir>/registry})
 * @param port     the embedded registry's port on 127.0.0.1; 0 picks a free one at every start
 * @param binary   the embedded registry's program
 * @param startTimeout how long the embedded registry may take to answer
 * @param allowPrivatePulls whether a snapshot may be pulled from a registry on a loopback, link-local or private
 *                 address (off: a tenant cannot make the engine call the host's or the network's internal services)
 */
@ConfigurationProperties("berth.registry")
public record RegistryProperties(
        String url,
        String username,
        String password,
        @DefaultValue("0") int port,
        @DefaultValue("/usr/bin/docker-registry") Path binary,
        @DefaultValue("30s") Duration startTimeout,
        @DefaultValue("false") boolean allowPrivatePulls) {

    public boolean embedded() {
        return url == null || url.isBlank();
    }
}
