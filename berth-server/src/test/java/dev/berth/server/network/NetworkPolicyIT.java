package dev.berth.server.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Egress policies as a hostile sandbox meets them, against "the internet" (198.51.100.0/24) and a "metadata" server
 * (169.254.169.254) in network namespaces this test makes, never leaving the machine: block-all, allow lists,
 * changes at runtime, the defaults every sandbox has, bad input, and the policy after a restart of the sandbox.
 */
class NetworkPolicyIT extends BerthIT {

    static final String ALLOWED = "198.51.100.10";
    static final String OTHER = "198.51.100.200";
    static final String METADATA = "169.254.169.254";
    /** The one host port the operator opens to sandboxes in this test (berth.network.allow-host-ports). */
    static final int OPEN_HOST_PORT = 18744;

    static TestNetns internet;
    static TestNetns metadata;
    private final List<String> sandboxes = new ArrayList<>();

    @BeforeAll
    static void netns() {
        internet = new TestNetns("btinet", 77, List.of(ALLOWED, OTHER));
        internet.tcpServer(ALLOWED, 8080, "hello-allowed");
        internet.tcpServer(OTHER, 8080, "hello-other");
        internet.dnsServer(ALLOWED, ALLOWED); // every name is the ALLOWED server: names alone must decide
        metadata = new TestNetns("btmeta", 78, List.of(METADATA));
        metadata.tcpServer(METADATA, 80, "secret-credentials");
    }

    @AfterAll
    static void removeNetns() {
        if (internet != null) {
            internet.close();
        }
        if (metadata != null) {
            metadata.close();
        }
    }

    @AfterEach
    void deleteSandboxes() {
        sandboxes.forEach(id -> admin("DELETE", "/api/sandbox/" + id, null));
    }

    private String create(String extra) {
        JsonNode sb = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"" + extra + "}"));
        assertThat(sb.get("state").asString()).isEqualTo("started");
        sandboxes.add(sb.get("id").asString());
        return sb.get("id").asString();
    }

    private String run(String id, String command) {
        JsonNode r = ok(admin("POST", "/api/toolbox/" + id + "/process/execute",
                JSON.writeValueAsString(java.util.Map.of("command", command, "timeout", 20))));
        return r.get("result").asString();
    }

    private String tcp(String id, String addr, int port) {
        return run(id, "sh -c 'nc -w 1 " + addr + " " + port + " </dev/null 2>&1; true'");
    }

    /** A DNS question over UDP (busybox has no UDP netcat): the test server answers every name. */
    private String dns(String id, String server) {
        return run(id, "sh -c 'timeout 8 nslookup probe.test " + server + " 2>&1; true'");
    }

    private JsonNode settings(String id, String body) {
        return json(admin("POST", "/api/sandbox/" + id + "/network-settings", body));
    }

    @Test
    void blockAllStopsTcpUdpAndDnsWhileTheToolboxWorks() {
        String open = create("");
        String blocked = create(",\"networkBlockAll\":true");
        // the open sandbox reaches every kind of traffic the blocked one tries: the servers answer
        assertThat(tcp(open, ALLOWED, 8080)).contains("hello-allowed");
        assertThat(dns(open, ALLOWED)).contains("probe.test");

        assertThat(run(blocked, "echo toolbox-works")).contains("toolbox-works");
        assertThat(tcp(blocked, ALLOWED, 8080)).doesNotContain("hello");
        assertThat(dns(blocked, ALLOWED)).doesNotContain("probe.test");
        for (String resolver : resolvers()) {
            assertThat(dns(open, resolver)).as("the open sandbox uses the engine's resolver").doesNotContain("timed out");
            assertThat(dns(blocked, resolver)).contains("timed out");
        }
        JsonNode dto = getSandbox(blocked);
        assertThat(dto.get("networkBlockAll").asBoolean()).isTrue();
    }

    @Test
    void anAllowListAdmitsExactlyItsNetworks() {
        String id = create(",\"networkAllowList\":\"198.51.100.0/28\"");
        assertThat(getSandbox(id).get("networkAllowList").asString()).isEqualTo("198.51.100.0/28");
        assertThat(tcp(id, ALLOWED, 8080)).contains("hello-allowed");
        assertThat(tcp(id, OTHER, 8080)).doesNotContain("hello");
        assertThat(tcp(id, METADATA, 80)).doesNotContain("secret");
    }

    @org.springframework.test.context.DynamicPropertySource
    static void dnsUpstream(org.springframework.test.context.DynamicPropertyRegistry r) {
        r.add("berth.network.dns-upstream", () -> ALLOWED); // the namespace's DNS server stands in for the resolver
        r.add("berth.network.allow-host-ports", () -> String.valueOf(OPEN_HOST_PORT));
    }

    @Test
    void aDomainAllowListAdmitsTheAddressesOfItsNamesOnly() {
        String id = create(",\"domainAllowList\":\"allowed.test,*.wild.test\"");
        assertThat(getSandbox(id).get("domainAllowList").asString()).isEqualTo("allowed.test,*.wild.test");
        assertThat(tcp(id, ALLOWED, 8080)).as("nothing is reachable before a name was looked up").doesNotContain("hello");
        // another name for the same server: not answered, and the address stays closed
        assertThat(run(id, "sh -c 'nslookup other.test 2>&1; true'")).contains("NXDOMAIN").doesNotContain(ALLOWED);
        assertThat(tcp(id, ALLOWED, 8080)).doesNotContain("hello");
        // the allowed name: answered, and exactly its address admitted
        assertThat(run(id, "sh -c 'nslookup allowed.test 2>&1; true'")).contains(ALLOWED);
        assertThat(tcp(id, ALLOWED, 8080)).contains("hello-allowed");
        assertThat(tcp(id, OTHER, 8080)).as("an address no answer named").doesNotContain("hello");
        assertThat(run(id, "sh -c 'nslookup deep.a.wild.test 2>&1; true'")).contains(ALLOWED);
        assertThat(run(id, "sh -c 'nslookup wild.test 2>&1; true'")).contains("NXDOMAIN");
        // asking another server directly changes nothing: the question reaches the runner's proxy all the same
        assertThat(run(id, "sh -c 'nslookup other.test " + OTHER + " 2>&1; true'")).contains("NXDOMAIN");
        // a sandbox without a domain list is not served by the proxy's rules: its DNS goes where it asks
        String open = create("");
        assertThat(dns(open, ALLOWED)).contains("probe.test");
        // the list taken away at runtime: the names no longer resolve, the admitted address is closed
        settings(id, "{\"domainAllowList\":\"\",\"networkBlockAll\":true}");
        assertThat(tcp(id, ALLOWED, 8080)).doesNotContain("hello");
    }

    @Test
    void anOrganizationsDefaultsApplyToItsNewSandboxesAndACreateOverridesThem() {
        String first = create("");
        String org = getSandbox(first).get("organizationId").asString();
        String path = "/api/organizations/" + org + "/network-defaults";
        try {
            JsonNode set = ok(admin("PUT", path, "{\"networkBlockAll\":true}"));
            assertThat(set.get("networkBlockAll").asBoolean()).isTrue();
            assertThat(ok(admin("GET", path, null)).get("networkBlockAll").asBoolean()).isTrue();
            String byDefault = create("");
            assertThat(getSandbox(byDefault).get("networkBlockAll").asBoolean()).isTrue();
            assertThat(tcp(byDefault, ALLOWED, 8080)).doesNotContain("hello");
            String overridden = create(",\"networkBlockAll\":false");
            assertThat(tcp(overridden, ALLOWED, 8080)).contains("hello-allowed");
            assertThat(tcp(first, ALLOWED, 8080)).as("sandboxes made before keep theirs").contains("hello-allowed");
            // the operator's ceiling bounds the defaults too; a refused change changes nothing
            var refused = admin("PUT", path, "{\"networkBlockAll\":false,\"networkAllowList\":\"192.168.0.0/16\"}");
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("192.168.0.0/16");
            assertThat(ok(admin("GET", path, null)).get("networkBlockAll").asBoolean()).isTrue();
        } finally {
            ok(admin("PUT", path, "{\"networkBlockAll\":false,\"networkAllowList\":\"\",\"domainAllowList\":\"\"}"));
        }
    }

    @Test
    void aRuntimeUpdateOpensAndClosesAccessAtOnce() {
        String id = create("");
        assertThat(tcp(id, ALLOWED, 8080)).contains("hello-allowed");

        long t0 = System.nanoTime();
        JsonNode closed = settings(id, "{\"networkBlockAll\":true}");
        long closeMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(closed.get("networkBlockAll").asBoolean()).isTrue();
        assertThat(closeMs).as("the update answers once the rules are in force").isLessThan(1000);
        assertThat(tcp(id, ALLOWED, 8080)).doesNotContain("hello");

        JsonNode narrowed = settings(id, "{\"networkBlockAll\":false,\"networkAllowList\":\"198.51.100.200/32\"}");
        assertThat(narrowed.get("networkAllowList").asString()).isEqualTo("198.51.100.200/32");
        assertThat(tcp(id, OTHER, 8080)).contains("hello-other");
        assertThat(tcp(id, ALLOWED, 8080)).doesNotContain("hello");

        JsonNode opened = settings(id, "{\"networkAllowList\":\"\"}");
        assertThat(opened.hasNonNull("networkAllowList")).isFalse();
        assertThat(tcp(id, ALLOWED, 8080)).contains("hello-allowed");
    }

    @Test
    void theDefaultsBlockMetadataTheHostAndOtherSandboxes() throws Exception {
        String a = create("");
        String b = create("");
        // the metadata server answers the host: only the sandbox is kept from it
        try (var s = new Socket(METADATA, 80)) {
            assertThat(new String(s.getInputStream().readAllBytes())).contains("secret-credentials");
        }
        assertThat(tcp(a, METADATA, 80)).doesNotContain("secret");

        String gateway = Objects.requireNonNull(engine.bridge("bridge").orElseThrow().gateway());
        try (var host = new ServerSocket(0, 50, java.net.InetAddress.getByName("0.0.0.0"))) {
            Thread accept = new Thread(() -> {
                while (!host.isClosed()) {
                    try (var c = host.accept()) {
                        c.getOutputStream().write("host-service\n".getBytes());
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            accept.setDaemon(true);
            accept.start();
            assertThat(tcp(a, gateway, host.getLocalPort())).doesNotContain("host-service");
            host.close();
            accept.join(5000);
        }
        for (int port : new int[] {5432, 6379, port}) {
            assertThat(tcp(a, gateway, port)).as("host port " + port).contains("timed out");
        }

        run(b, "sh -c 'nohup nc -ll -p 7070 -e /bin/echo from-b >/dev/null 2>&1 &'");
        String bIp = run(b, "sh -c \"ip -4 -o addr show eth0 | awk '{print \\$4}' | cut -d/ -f1\"").trim();
        assertThat(bIp).matches("[0-9.]+");
        assertThat(tcp(a, bIp, 7070)).doesNotContain("from-b");
    }

    @Test
    void onlyTheHostPortsTheOperatorOpensAreReachable() throws Exception {
        String id = create("");
        String blocked = create(",\"networkBlockAll\":true");
        String gateway = engine.bridge("bridge").orElseThrow().gateway();
        try (var opened = new ServerSocket(OPEN_HOST_PORT, 50, java.net.InetAddress.getByName("0.0.0.0"));
                var closed = new ServerSocket(0, 50, java.net.InetAddress.getByName("0.0.0.0"))) {
            for (ServerSocket ss : List.of(opened, closed)) {
                Thread t = new Thread(() -> {
                    while (!ss.isClosed()) {
                        try (var c = ss.accept()) {
                            c.getOutputStream().write(("port-" + ss.getLocalPort() + "\n").getBytes());
                        } catch (java.io.IOException e) {
                            return;
                        }
                    }
                });
                t.setDaemon(true);
                t.start();
            }
            assertThat(tcp(id, gateway, OPEN_HOST_PORT)).contains("port-" + OPEN_HOST_PORT);
            assertThat(tcp(id, gateway, closed.getLocalPort())).doesNotContain("port-");
            assertThat(tcp(blocked, gateway, OPEN_HOST_PORT)).as("block-all wins").doesNotContain("port-");
        }
    }

    @Test
    void aPolicyIsInForceAgainAfterTheSandboxRestarts() {
        String id = create(",\"networkBlockAll\":true");
        ok(admin("POST", "/api/sandbox/" + id + "/stop", null));
        ok(admin("POST", "/api/sandbox/" + id + "/start", null));
        assertThat(run(id, "echo back")).contains("back");
        assertThat(tcp(id, ALLOWED, 8080)).doesNotContain("hello");
        // a stopped sandbox's change is recorded on its runner and in force when it starts
        ok(admin("POST", "/api/sandbox/" + id + "/stop", null));
        assertThat(settings(id, "{\"networkBlockAll\":false}").get("networkBlockAll").asBoolean()).isFalse();
        ok(admin("POST", "/api/sandbox/" + id + "/start", null));
        assertThat(tcp(id, ALLOWED, 8080)).contains("hello-allowed");
    }

    @Test
    void rulesTheKernelLostArePutBackByTheNextInventoryPass() {
        String id = create(",\"networkBlockAll\":true");
        assertThat(tcp(id, ALLOWED, 8080)).doesNotContain("hello");
        String table = "berth_" + engine.bridge("bridge").orElseThrow().iface().replaceAll("[^A-Za-z0-9_]", "_");
        TestNetns.sh("nft", "delete", "table", "inet", table); // a firewall reload, a careless operator
        assertThat(tcp(id, ALLOWED, 8080)).as("the rules were really gone").contains("hello-allowed");
        org.awaitility.Awaitility.await("the block-all rule back in force").atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofSeconds(1))
                .until(() -> !tcp(id, ALLOWED, 8080).contains("hello"));
        assertThat(TestNetns.sh("nft", "list", "table", "inet", table)).contains("@denied drop");
    }

    @Test
    void badPoliciesAreRefusedNamingTheEntryAndChangeNothing() {
        String id = create(",\"networkAllowList\":\"198.51.100.0/28\"");
        String[][] cases = {
            {"{\"networkAllowList\":\"198.51.100.0/33\"}", "400", "198.51.100.0/33"},
            {"{\"networkAllowList\":\"198.51.100.0/24,nonsense\"}", "400", "nonsense"},
            {"{\"networkAllowList\":\"10.1.0.0/16\"}", "400", "10.1.0.0/16"},
            {"{\"networkAllowList\":\"169.254.169.254/32\"}", "400", "169.254.169.254/32"},
            {"{\"networkAllowList\":\"2001:db8::/32\"}", "400", "IPv6"},
            {"{\"domainAllowList\":\"bad..name\"}", "400", "bad..name"},
            {"{}", "400", "networkBlockAll"},
        };
        for (String[] c : cases) {
            var r = admin("POST", "/api/sandbox/" + id + "/network-settings", c[0]);
            assertThat(r.statusCode()).as(c[0] + " -> " + r.body()).isEqualTo(Integer.parseInt(c[1]));
            assertThat(r.body()).contains(c[2]);
        }
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            many.append(many.isEmpty() ? "" : ",").append("198.51.100.").append(i).append("/32");
        }
        var r = admin("POST", "/api/sandbox/" + id + "/network-settings", "{\"networkAllowList\":\"" + many + "\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("at most 32");
        var refusedCreate = admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"networkAllowList\":\"x/8\"}");
        assertThat(refusedCreate.statusCode()).isEqualTo(400);
        // nothing changed: the record and the rules
        assertThat(getSandbox(id).get("networkAllowList").asString()).isEqualTo("198.51.100.0/28");
        assertThat(tcp(id, ALLOWED, 8080)).contains("hello-allowed");
        assertThat(tcp(id, OTHER, 8080)).doesNotContain("hello");
    }

    private static List<String> resolvers() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/etc/resolv.conf")).stream()
                    .map(String::trim).filter(l -> l.startsWith("nameserver "))
                    .map(l -> l.substring("nameserver ".length()).trim())
                    .filter(a -> a.matches("[0-9.]+") && !a.startsWith("127.")).toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }
}
