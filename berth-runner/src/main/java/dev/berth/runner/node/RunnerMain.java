package dev.berth.runner.node;

import dev.berth.protocol.runner.RunnerProtocol;
import dev.berth.runner.RunnerSettings;
import dev.berth.runner.SandboxRunner;
import dev.berth.runner.docker.DockerContainerEngine;
import dev.berth.runner.image.BaseImage;
import dev.berth.runner.image.BaseImageBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code BERTH_RUNNER_TOKEN=T ./berth runner --runner-id ID --api-url URL [--class C]}: a runner process with its own
 * engine.
 */
@Command(name = "berth-runner", mixinStandardHelpOptions = true,
        description = "Runs a Berth runner: pulls jobs from the control plane and runs sandboxes on its engine.")
public final class RunnerMain implements Callable<Integer> {

    @Option(names = "--api-url", required = true, description = "control plane base URL, e.g. http://cp:3000")
    URI apiUrl;

    @Option(names = "--token", defaultValue = "${env:BERTH_RUNNER_TOKEN}", description = "runner token from POST "
            + "/api/runners (shown once); better in the environment as BERTH_RUNNER_TOKEN, since any local user can "
            + "read a process's arguments")
    String token;

    @Option(names = "--region", description = "informational; the region is fixed when the token is created")
    String region;

    @Option(names = "--class", defaultValue = "default", description = "runner class")
    String runnerClass;

    @Option(names = "--docker-host", required = true, description = "this runner's engine, e.g. unix:///.../docker.sock")
    String dockerHost;

    @Option(names = "--data-dir", required = true, description = "per-sandbox directories and image cache")
    Path dataDir;

    @Option(names = "--agent-binary", description = "static berth-agent binary")
    Path agentBinary;

    @Option(names = "--images-dir", required = true, description = "image builder scripts")
    Path imagesDir;

    @Option(names = "--image-cache", description = "rootfs tarball cache (default: <data-dir>/images)")
    Path imageCache;

    @Option(names = "--tunnel-bind", defaultValue = "127.0.0.1:0",
            description = "host:port of the toolbox tunnel; never an address sandboxes can reach")
    String tunnelBind;

    @Option(names = "--protocol-version", defaultValue = "" + RunnerProtocol.CURRENT)
    int protocolVersion;

    @Option(names = "--heartbeat", defaultValue = "2s", converter = DurationConverter.class)
    Duration heartbeat;

    @Option(names = "--max-sandboxes", defaultValue = "100")
    int maxSandboxes;

    @Option(names = "--capacity-cpu", description = "cores offered to sandboxes (default 8x the host's: idle sandboxes share cores under per-sandbox quotas)")
    Integer capacityCpu;

    @Option(names = "--capacity-memory", description = "GiB offered to sandboxes (default 4x the host's memory; limits are enforced per sandbox)")
    Integer capacityMemory;

    @Option(names = "--denied-cidrs", split = ",", defaultValue = "0.0.0.0/8,10.0.0.0/8,100.64.0.0/10,127.0.0.0/8,"
            + "169.254.0.0/16,172.16.0.0/12,192.168.0.0/16,224.0.0.0/4,240.0.0.0/4,168.63.129.16/32",
            description = "networks no sandbox of this runner reaches, whatever its policy (default: link-local, "
                    + "loopback, private, shared, multicast and reserved ranges)")
    List<String> deniedCidrs;

    @Option(names = "--dns-upstream", description = "resolver (host[:port]) the DNS proxy of sandboxes with a domain "
            + "allow list asks (default: the first nameserver of /etc/resolv.conf)")
    String dnsUpstream;

    @Option(names = "--allow-host-ports", split = ",", description = "TCP ports of this host (on its engine bridge's "
            + "address) every sandbox may reach, e.g. a local Berth API port; none by default")
    List<Integer> allowHostPorts = List.of();

    @Option(names = "--no-network-guard", description = "do not enforce network policies (a sandbox with one is refused)")
    boolean noNetworkGuard;

    @Option(names = "--runner-id", required = true, description = "the runner id the token was created for")
    String runnerId;

    @Option(names = "--check-only", description = "check the options and exit (0 when they are usable); the launcher "
            + "runs this before it starts the runner's engine")
    boolean checkOnly;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RunnerMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("berth-runner: " + p));
            return 2;
        }
        if (checkOnly) {
            return 0;
        }
        var engine = new DockerContainerEngine(dockerHost);
        if (!engine.ping()) {
            System.err.println("the engine at " + dockerHost + " does not answer");
            return 2;
        }
        var runner = new SandboxRunner(engine, new RunnerSettings(runnerId, dataDir, agentBinary, 1024,
                Duration.ofSeconds(5), RunnerSettings.DEFAULT_CAPS, "bridge"));
        if (!noNetworkGuard) {
            var denied = deniedCidrs.stream().map(c -> dev.berth.core.network.Cidr.parse("--denied-cidrs", c)).toList();
            dev.berth.runner.network.NetworkGuard.discover(engine, "bridge", denied, dnsUpstream, allowHostPorts)
                    .ifPresent(runner::useNetworkGuard);
        }
        var baseImages = new BaseImageBuilder(engine, imagesDir, imageCache != null ? imageCache : dataDir.resolve("images"),
                Duration.ofMinutes(20));
        baseImages.ensure(BaseImage.BUSYBOX);
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String secret = HexFormat.of().formatHex(raw);
        int colon = tunnelBind.lastIndexOf(':');
        var bind = new InetSocketAddress(tunnelBind.substring(0, colon), Integer.parseInt(tunnelBind.substring(colon + 1)));
        try (var tunnel = new AgentTunnelServer(bind, secret, runner::agentTransport);
                var node = new RunnerNode(new NodeSettings(apiUrl, token, runnerClass, bind, protocolVersion, heartbeat,
                        maxSandboxes, 8, capacityCpu == null ? HostMetrics.cores() * 8 : capacityCpu,
                        capacityMemory == null ? HostMetrics.memoryGiB() * 4 : capacityMemory,
                        new dev.berth.protocol.runner.Registration.Host(HostIdentity.discover(), HostMetrics.cores() * 8,
                                HostMetrics.memoryGiB() * 4, new HostMetrics(dataDir).diskGiB())),
                        runner, tunnel, secret, dataDir, baseImages)) {
            Runtime.getRuntime().addShutdownHook(new Thread(node::close));
            node.run();
        }
        return 0;
    }

    /** What makes these options unusable, each with what to do; checked before anything starts. */
    List<String> problems() {
        var out = new java.util.ArrayList<String>();
        if (apiUrl.getScheme() == null || !List.of("http", "https").contains(apiUrl.getScheme()) || apiUrl.getHost() == null) {
            out.add("--api-url '" + apiUrl + "' is not an http(s) URL of the control plane, e.g. http://cp:3000");
        }
        if (token == null || token.isBlank()) {
            out.add("no runner token: set BERTH_RUNNER_TOKEN (or give --token) to the token POST /api/runners answered");
        } else if (!token.startsWith("bthr_")) {
            out.add("--token is not a runner token (they start with bthr_; POST /api/runners answers one)");
        }
        if (runnerId.isBlank()) {
            out.add("--runner-id is empty");
        }
        if (protocolVersion < RunnerProtocol.V1 || protocolVersion > RunnerProtocol.CURRENT) {
            out.add("--protocol-version " + protocolVersion + " is not spoken; use " + RunnerProtocol.V1 + " to "
                    + RunnerProtocol.CURRENT);
        }
        if (heartbeat.isZero() || heartbeat.isNegative()) {
            out.add("--heartbeat must be positive, e.g. 2s");
        }
        if (maxSandboxes < 1 || (capacityCpu != null && capacityCpu < 1) || (capacityMemory != null && capacityMemory < 1)) {
            out.add("--max-sandboxes, --capacity-cpu and --capacity-memory must be at least 1");
        }
        int colon = tunnelBind.lastIndexOf(':');
        try {
            int p = Integer.parseInt(tunnelBind.substring(colon + 1));
            if (colon <= 0 || p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            out.add("--tunnel-bind '" + tunnelBind + "' is not host:port, e.g. 127.0.0.1:0");
        }
        for (String c : deniedCidrs) {
            try {
                dev.berth.core.network.Cidr.parse("--denied-cidrs", c);
            } catch (RuntimeException e) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    /** Parses 2s / 500ms / PT2S. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Duration.parse(v);
        }
    }
}
