package dev.berth.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.limits.LongOperations;
import dev.berth.server.org.Tenants;
import dev.berth.server.org.Tenants.Tenant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 9 findings 4 and 7 at this machine's scale: one tenant floods long executes (more than its limit)
 * while health and another tenant stay responsive and the excess is refused 429 at once; concurrent executes
 * stay within the replica's output budget; an oversized JSON body is refused 413 before it is parsed. Low
 * test limits: 3 per key, 4 per organization, 4 x 16 MiB of output budget.
 */
@TestPropertySource(properties = {"berth.limits.long-operations-per-key=3", "berth.limits.long-operations-per-org=4",
        "berth.limits.output-budget=64MB", "berth.limits.output-budget-per-org=64MB",
        "berth.limits.max-json-body=64KB"})
class ToolboxFloodIT extends BerthIT {

    private static final Duration RESPONSIVE = Duration.ofSeconds(5);

    @Autowired
    Tenants tenants;

    @Autowired
    LongOperations longOps;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String[]> created = new ArrayList<>();

    @AfterEach
    void removeSandboxes() {
        created.forEach(c -> call("DELETE", "/api/sandbox/" + c[1], c[0], null));
    }

    private String sandbox(Tenant t) {
        var sb = ok(call("POST", "/api/sandbox", t.key(), "{\"snapshot\":\"berth/busybox\"}"));
        created.add(new String[] {t.key(), sb.get("id").asString()});
        return sb.get("id").asString();
    }

    private CompletableFuture<HttpResponse<String>> execAsync(Tenant t, String id, String command) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/toolbox/" + id
                + "/process/execute")).header("Authorization", "Bearer " + t.key())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"" + command + "\",\"timeout\":60}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long millisOf(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void aTenantFloodingLongExecutesIsRefusedOverItsLimitWhileHealthAndOthersStayResponsive() {
        Tenant a = tenants.owner();
        Tenant b = tenants.owner();
        String sa = sandbox(a);
        String sb = sandbox(b);
        var flood = IntStream.range(0, 12).mapToObj(i -> execAsync(a, sa, "sleep 8")).toList();
        // the three admitted ones hold their slots; everything over the key's limit is refused without waiting
        Awaitility.await("A's slots taken").atMost(Duration.ofSeconds(20))
                .until(() -> flood.stream().filter(f -> f.isDone() && f.join().statusCode() == 429).count() == 9);
        HttpResponse<String> refused = flood.stream().map(CompletableFuture::join)
                .filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertThat(json(refused).get("code").asString()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(json(refused).get("detail").asString()).contains("limit is 3")
                .contains("berth.limits.long-operations-per-key");

        long health = millisOf(() -> assertThat(call("GET", "/api/health", null, null).statusCode()).isEqualTo(200));
        long[] other = new long[1];
        other[0] = millisOf(() -> assertThat(ok(call("POST", "/api/toolbox/" + sb + "/process/execute", b.key(),
                "{\"command\":\"echo other\"}")).get("result").asString()).isEqualTo("other\n"));
        System.out.printf("flood of 12 x sleep 8 by one key: health %d ms, another tenant's execute %d ms%n",
                health, other[0]);
        assertThat(Duration.ofMillis(health)).isLessThan(RESPONSIVE);
        assertThat(Duration.ofMillis(other[0])).isLessThan(RESPONSIVE);

        assertThat(flood.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 200).count())
                .as("the admitted executes finish normally").isEqualTo(3);
        Awaitility.await("slots and output budget given back").atMost(Duration.ofSeconds(10))
                .until(() -> longOps.reservedOutputBytes() == 0);
    }

    @Test
    void keysOfOneOrganizationShareItsLimit() {
        Tenant a = tenants.owner();
        String second = tenants.addKey(a.orgId(), a.userId(), dev.berth.server.auth.Permission.all(), null);
        Tenant a2 = new Tenant(a.orgId(), a.userId(), a.email(), second);
        String sa = sandbox(a);
        var first = IntStream.range(0, 3).mapToObj(i -> execAsync(a, sa, "sleep 6")).toList();
        Awaitility.await("A's first key holds its 3 slots").atMost(Duration.ofSeconds(20))
                .until(() -> longOps.reservedOutputBytes() == 3 * (16L << 20));
        var more = IntStream.range(0, 3).mapToObj(i -> execAsync(a2, sa, "sleep 6")).toList();
        List<HttpResponse<String>> answers = more.stream().map(CompletableFuture::join).toList();
        // the organization's limit is 4: one of the second key's calls fits, the other two are refused
        assertThat(answers).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(200, 429, 429);
        HttpResponse<String> refused = answers.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertThat(json(refused).get("detail").asString()).contains("for this organization").contains("limit is 4")
                .contains("berth.limits.long-operations-per-org");
        first.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
    }

    @Test
    void concurrentExecutesStayWithinTheOutputBudget() {
        Tenant a = tenants.owner();
        Tenant b = tenants.owner();
        Tenant c = tenants.owner();
        String sa = sandbox(a);
        String sb = sandbox(b);
        String sc = sandbox(c);
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        IntStream.range(0, 2).forEach(i -> held.add(execAsync(a, sa, "head -c 1000000 /dev/urandom; sleep 6")));
        IntStream.range(0, 2).forEach(i -> held.add(execAsync(b, sb, "head -c 1000000 /dev/urandom; sleep 6")));
        long reservation = 16L << 20;
        Awaitility.await("four executes reserve the whole budget").atMost(Duration.ofSeconds(20))
                .until(() -> longOps.reservedOutputBytes() == 4 * reservation);
        HttpResponse<String> over = call("POST", "/api/toolbox/" + sc + "/process/execute", c.key(),
                "{\"command\":\"echo hi\"}");
        System.out.printf("output budget %d bytes, reserved %d; a fifth execute: %d %s%n", longOps.outputBudgetBytes(),
                longOps.reservedOutputBytes(), over.statusCode(), over.body());
        assertThat(over.statusCode()).isEqualTo(503);
        assertThat(json(over).get("detail").asString()).contains("output budget exhausted")
                .contains("berth.limits.output-budget");
        assertThat(longOps.reservedOutputBytes()).isLessThanOrEqualTo(longOps.outputBudgetBytes());
        held.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
        Awaitility.await("budget given back").atMost(Duration.ofSeconds(10))
                .until(() -> longOps.reservedOutputBytes() == 0);
        assertThat(ok(call("POST", "/api/toolbox/" + sc + "/process/execute", c.key(), "{\"command\":\"echo hi\"}"))
                .get("result").asString()).isEqualTo("hi\n");
    }

    @Test
    void aJsonBodyOverTheLimitIsRefused413AndChangesNothing() {
        Tenant a = tenants.owner();
        String labels = "{\"snapshot\":\"berth/busybox\",\"labels\":{\"pad\":\"" + "x".repeat(100_000) + "\"}}";
        HttpResponse<String> r = call("POST", "/api/sandbox", a.key(), labels);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(json(r).get("code").asString()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(json(r).get("detail").asString()).contains("65536 bytes").contains("berth.limits.max-json-body");
        assertThat(ok(call("GET", "/api/sandbox", a.key(), null)).get("items").size()).as("no sandbox was created")
                .isZero();
    }
}
