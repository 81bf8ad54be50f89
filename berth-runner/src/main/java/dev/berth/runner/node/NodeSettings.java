package dev.berth.runner.node;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

/**
 * A standalone runner's settings.
 *
 * @param apiUrl            the control plane, e.g. http://cp:3000
 * @param token             this runner's token (created by an admin with POST /api/runners)
 * @param tunnelBind        where the toolbox tunnel listens; must not be reachable from sandboxes
 * @param protocolVersion   runner protocol spoken (1 or 2)
 * @param heartbeatInterval how often usage and inventory are reported
 * @param host              this machine and what it offers to all its runners together
 */
public record NodeSettings(URI apiUrl, String token, String runnerClass, InetSocketAddress tunnelBind,
        int protocolVersion, Duration heartbeatInterval, int maxSandboxes, int jobThreads, int cpuCapacity,
        int memoryCapacity, dev.berth.protocol.runner.Registration.Host host) {
}
