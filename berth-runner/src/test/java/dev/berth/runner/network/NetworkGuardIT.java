package dev.berth.runner.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.network.Cidr;
import dev.berth.core.network.NetworkPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The network guard against the real kernel (nft, as root), on a table of its own for an interface that does not
 * exist (rules match interface names, so nothing on the host is affected). What the one-call path for unrestricted
 * sandboxes must keep: it clears what a restricted sandbox left at the address or under the sandbox's chain, by
 * falling back to the listing path whenever there is something to clear.
 */
class NetworkGuardIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NFT = "/usr/sbin/nft";

    private NetworkGuard guard;
    private String iface;

    @BeforeEach
    void install() {
        assertThat(Path.of(NFT)).as("nft (Debian's nftables) is needed by the network guard and this test").exists();
        iface = "bgt" + UUID.randomUUID().toString().substring(0, 8);
        guard = new NetworkGuard(iface, List.of(Cidr.parse("denied", "169.254.0.0/16")), List.of(), NFT);
        guard.install();
    }

    @AfterEach
    void dropTable() throws Exception {
        nft("delete", "table", "inet", guard.table());
    }

    @Test
    void anUnrestrictedStartAndItsRemovalTakeOneNftCallEachAndLeaveNothing() throws Exception {
        long before = guard.nftRuns();
        guard.apply("sb-a", "10.250.0.2", NetworkPolicy.OPEN);
        assertThat(guard.nftRuns() - before).isEqualTo(1);
        guard.release("sb-a");
        assertThat(guard.nftRuns() - before).isEqualTo(2);
        assertThat(verdicts()).isEmpty();
        assertThat(chains()).noneMatch(c -> c.startsWith("sb_"));
    }

    @Test
    void anAddressStillLeadingToAnotherSandboxIsClearedWhenAnUnrestrictedSandboxTakesIt() throws Exception {
        guard.apply("sb-a", "10.250.0.3", NetworkPolicy.BLOCK_ALL);
        assertThat(verdicts()).containsEntry("10.250.0.3", NetworkGuard.chainOf("sb-a"));
        // the address is reused before sb-a's rules went (a crash between its stop and its release)
        long before = guard.nftRuns();
        guard.apply("sb-b", "10.250.0.3", NetworkPolicy.OPEN);
        assertThat(guard.nftRuns() - before).as("the one-call path is refused, then a listing and a transaction")
                .isEqualTo(3);
        assertThat(verdicts()).isEmpty();
        // sb-a's chain is no longer used by any address: its release needs no listing
        before = guard.nftRuns();
        guard.release("sb-a");
        assertThat(guard.nftRuns() - before).isEqualTo(1);
        assertThat(chains()).noneMatch(c -> c.startsWith("sb_"));
    }

    @Test
    void aRestrictedSandboxBecomingOpenLosesItsChainAndItsEntry() throws Exception {
        NetworkPolicy allow = new NetworkPolicy(false, List.of(Cidr.parse("allow", "192.0.2.0/24")), List.of());
        guard.apply("sb-c", "10.250.0.4", allow);
        assertThat(verdicts()).containsEntry("10.250.0.4", NetworkGuard.chainOf("sb-c"));
        long before = guard.nftRuns();
        guard.apply("sb-c", "10.250.0.4", NetworkPolicy.OPEN);
        assertThat(guard.nftRuns() - before).as("refused, then a listing and a transaction").isEqualTo(3);
        assertThat(verdicts()).isEmpty();
        assertThat(chains()).noneMatch(c -> c.startsWith("sb_"));
    }

    @Test
    void aSandboxWhoseOwnChainIsStillInUseAtItsOldAddressLosesBothWhenItStartsOpenElsewhere() throws Exception {
        guard.apply("sb-h", "10.250.0.9", NetworkPolicy.BLOCK_ALL);
        // its next start gets another address, before its old entry was released
        long before = guard.nftRuns();
        guard.apply("sb-h", "10.250.0.10", NetworkPolicy.OPEN);
        assertThat(guard.nftRuns() - before).as("refused (the chain is busy), then a listing and a transaction")
                .isEqualTo(3);
        assertThat(verdicts()).isEmpty();
        assertThat(chains()).doesNotContain(NetworkGuard.chainOf("sb-h"));
    }

    @Test
    void aDnsRedirectionLeftAtTheAddressIsRemovedWhenAnOpenSandboxTakesIt() throws Exception {
        // left by a domain-listed sandbox whose verdict went (a reconcile pass) and whose runner restarted since
        nft("add", "element", "inet", guard.table(), "dnsredirect", "{ 10.250.0.11 : 10.250.0.1 . 5353 }");
        nft("add", "element", "inet", guard.table(), "dnssources", "{ 10.250.0.11 }");
        long before = guard.nftRuns();
        guard.apply("sb-i", "10.250.0.11", NetworkPolicy.OPEN);
        assertThat(guard.nftRuns() - before).as("refused (File exists), then a listing and a transaction")
                .isEqualTo(3);
        assertThat(elements("dnsredirect")).isEmpty();
        assertThat(elements("dnssources")).isEmpty();
    }

    @Test
    void aStaleDnsSourceAtTheAddressGoesInTheOneCall() throws Exception {
        nft("add", "element", "inet", guard.table(), "dnssources", "{ 10.250.0.12 }");
        long before = guard.nftRuns();
        guard.apply("sb-j", "10.250.0.12", NetworkPolicy.OPEN);
        assertThat(guard.nftRuns() - before).isEqualTo(1);
        assertThat(elements("dnssources")).isEmpty();
    }

    @Test
    void aReleaseOnATableThatLostItsVerdictMapInstallsItAgain() throws Exception {
        guard.apply("sb-k", "10.250.0.13", NetworkPolicy.OPEN);
        // the rules that use the map go with it
        nft("flush", "chain", "inet", guard.table(), "forward");
        nft("flush", "chain", "inet", guard.table(), "input");
        nft("delete", "map", "inet", guard.table(), "sandboxes");
        guard.release("sb-k");
        assertThat(listing().toString()).contains("\"sandboxes\"");
        assertThat(rules("forward")).isPositive();
    }

    @Test
    void theReleaseOfARestrictedSandboxAtAnotherAddressRemovesItsEntryAndChain() throws Exception {
        guard.apply("sb-d", "10.250.0.5", NetworkPolicy.BLOCK_ALL);
        guard.apply("sb-e", "10.250.0.6", NetworkPolicy.BLOCK_ALL);
        guard.release("sb-d");
        assertThat(verdicts()).containsOnlyKeys("10.250.0.6");
        assertThat(chains()).contains(NetworkGuard.chainOf("sb-e")).doesNotContain(NetworkGuard.chainOf("sb-d"));
    }

    @Test
    void aStartAfterTheTableWasLostInstallsItAgain() throws Exception {
        nft("delete", "table", "inet", guard.table());
        guard.apply("sb-f", "10.250.0.7", NetworkPolicy.OPEN);
        assertThat(chains()).contains("forward", "input", "defaults");
        guard.apply("sb-g", "10.250.0.8", NetworkPolicy.BLOCK_ALL);
        assertThat(verdicts()).containsOnlyKeys("10.250.0.8");
    }

    /** The verdict map: address to the chain it jumps to. */
    private Map<String, String> verdicts() throws Exception {
        Map<String, String> out = new HashMap<>();
        for (JsonNode n : listing().path("nftables")) {
            if (n.path("map").path("name").asText().equals("sandboxes")) {
                for (JsonNode e : n.path("map").path("elem")) {
                    out.put(e.get(0).asText(), e.get(1).path("jump").path("target").asText());
                }
            }
        }
        return out;
    }

    /** The elements of a map or set, as nft prints them in JSON. */
    private List<String> elements(String name) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode n : listing().path("nftables")) {
            JsonNode m = n.has("map") ? n.path("map") : n.path("set");
            if (m.path("name").asText().equals(name)) {
                m.path("elem").forEach(e -> out.add(e.toString()));
            }
        }
        return out;
    }

    private long rules(String chain) throws Exception {
        long count = 0;
        for (JsonNode n : listing().path("nftables")) {
            if (n.path("rule").path("chain").asText().equals(chain)) {
                count++;
            }
        }
        return count;
    }

    private List<String> chains() throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode n : listing().path("nftables")) {
            if (n.has("chain")) {
                out.add(n.path("chain").path("name").asText());
            }
        }
        return out;
    }

    private JsonNode listing() throws Exception {
        return JSON.readTree(nft("-j", "list", "table", "inet", guard.table()));
    }

    private static String nft(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(NFT));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("nft", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            int exit = p.waitFor();
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + exit + "): " + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
