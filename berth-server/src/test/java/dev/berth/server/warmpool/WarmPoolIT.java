package dev.berth.server.warmpool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.org.Role;
import dev.berth.server.org.Tenants;
import dev.berth.server.org.Tenants.Tenant;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Warm pools against the real engine: a matching create is served from the pool (started, with the request's
 * env, labels and name, never anything of the pool sandbox's earlier life), a non-matching one goes cold;
 * concurrent claims hand out distinct sandboxes; claimed sandboxes count against the quota; an organization
 * cannot see, change or claim another's pool or reach a pool's unclaimed sandboxes.
 */
class WarmPoolIT extends BerthIT {

    private static final String BUSYBOX = "{\"snapshot\":\"berth/busybox\"}";

    @Autowired
    Tenants tenants;

    @Autowired
    MeterRegistry meters;

    @Autowired
    dev.berth.server.sandbox.SandboxRepository sandboxRows;

    private final List<String[]> pools = new ArrayList<>(); // {key, id, "system"?}
    private final ConcurrentLinkedQueue<String[]> sandboxes = new ConcurrentLinkedQueue<>(); // {key, id}

    @AfterEach
    void cleanUp() {
        sandboxes.forEach(s -> call("DELETE", "/api/sandbox/" + s[1], s[0], null));
        for (String[] p : pools) {
            call("DELETE", (p.length > 2 ? "/api/admin/warm-pools/" : "/api/warm-pools/") + p[1], p[0], null);
        }
        // the pools' unclaimed sandboxes go with them: nothing of this test stays on the shared runner
        Awaitility.await("pool sandboxes removed").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                .until(() -> sandboxRows.findPooled().isEmpty());
    }

    private Tenant owner() {
        return tenants.owner();
    }

    private JsonNode pool(Tenant t, String body) {
        JsonNode p = ok(call("POST", "/api/warm-pools", t.key(), body));
        pools.add(new String[] {t.key(), p.get("id").asString()});
        return p;
    }

    private JsonNode awaitReady(String key, String poolId, int size) {
        return Awaitility.await("pool " + poolId + " holds " + size).atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> find(key, poolId), p -> p != null && p.get("currentSize").asInt() == size);
    }

    private JsonNode find(String key, String poolId) {
        for (JsonNode p : ok(call("GET", "/api/warm-pools", key, null))) {
            if (p.get("id").asString().equals(poolId)) {
                return p;
            }
        }
        return null;
    }

    private int currentSize(String key, String poolId) {
        JsonNode p = find(key, poolId);
        return p == null ? -1 : p.get("currentSize").asInt();
    }

    private HttpResponse<String> create(Tenant t, String body) {
        HttpResponse<String> r = call("POST", "/api/sandbox", t.key(), body);
        if (r.statusCode() / 100 == 2) {
            sandboxes.add(new String[] {t.key(), json(r).get("id").asString()});
        }
        return r;
    }

    private String exec(String key, String id, String command) {
        return ok(call("POST", "/api/toolbox/" + id + "/process/execute", key,
                JSON.writeValueAsString(java.util.Map.of("command", command)))).get("result").asString();
    }

    private double hits(String poolId) {
        var c = meters.find("berth.warmpool.claims").tag("result", "hit").tag("pool", poolId).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aMatchingCreateIsServedFromThePoolWithTheRequestsEnvLabelsAndNameAndAnotherGoesCold() {
        Tenant t = owner();
        JsonNode p = pool(t, "{\"snapshot\":\"berth/busybox\",\"pool\":2}");
        String poolId = p.get("id").asString();
        assertThat(p.get("organizationId").asString()).isEqualTo(t.orgId());
        assertThat(p.get("pool").asInt()).isEqualTo(2);
        assertThat(p.get("target").asString()).isEqualTo("us");
        assertThat(p.get("osUser").asString()).isEqualTo("root");
        assertThat(p.get("cpu").asInt()).isEqualTo(1);
        JsonNode ready = awaitReady(t.key(), poolId, 2);
        assertThat(ready.get("errorReason").isNull()).isTrue();

        HttpResponse<String> r = create(t, "{\"snapshot\":\"berth/busybox\",\"name\":\"warm-one\","
                + "\"env\":{\"GREETING\":\"from-the-request\"},\"labels\":{\"team\":\"blue\"},\"autoStopInterval\":7}");
        JsonNode sb = ok(r);
        String id = sb.get("id").asString();
        assertThat(sb.get("state").asString()).isEqualTo("started");
        assertThat(sb.get("warmPoolId").asString()).isEqualTo(poolId);
        assertThat(sb.get("name").asString()).isEqualTo("warm-one");
        assertThat(sb.get("organizationId").asString()).isEqualTo(t.orgId());
        assertThat(sb.get("labels").get("team").asString()).isEqualTo("blue");
        assertThat(sb.get("env").get("GREETING").asString()).isEqualTo("from-the-request");
        assertThat(sb.get("autoStopInterval").asInt()).isEqualTo(7);
        // the env applies to every process the toolbox starts; nothing of the pool sandbox's earlier life shows
        assertThat(exec(t.key(), id, "sh -c 'echo $GREETING'")).contains("from-the-request");
        assertThat(exec(t.key(), id, "sh -c 'ls -A /tmp | wc -l'").trim()).isEqualTo("0");
        assertThat(ok(call("GET", "/api/sandbox/warm-one", t.key(), null)).get("id").asString()).isEqualTo(id);
        assertThat(ok(call("GET", "/api/sandbox", t.key(), null)).toString()).contains(id);
        assertThat(hits(poolId)).isEqualTo(1.0);

        // 2 cores match no pool: the cold path, which answers the same way without warmPoolId
        JsonNode cold = ok(create(t, "{\"snapshot\":\"berth/busybox\",\"cpu\":2}"));
        assertThat(cold.get("state").asString()).isEqualTo("started");
        assertThat(cold.has("warmPoolId")).isFalse();

        // the pool refills, with new sandboxes: a claimed one never returns to it
        awaitReady(t.key(), poolId, 2);
        ok(call("DELETE", "/api/sandbox/" + id, t.key(), null));
        JsonNode again = ok(create(t, BUSYBOX));
        assertThat(again.get("warmPoolId").asString()).isEqualTo(poolId);
        assertThat(again.get("id").asString()).isNotEqualTo(id);
    }

    @Test
    void aPoolsUnclaimedSandboxesAreNobodysAndAnotherOrganizationCannotSeeChangeOrClaimThePool() {
        Tenant a = owner();
        Tenant b = owner();
        String poolId = pool(a, BUSYBOX.replace("}", ",\"pool\":1}")).get("id").asString();
        awaitReady(a.key(), poolId, 1);
        // b sees no pool, cannot change or delete a's, and its matching create does not take a's sandbox
        assertThat(ok(call("GET", "/api/warm-pools", b.key(), null)).size()).isZero();
        assertThat(call("PATCH", "/api/warm-pools/" + poolId, b.key(), "{\"pool\":5}").statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/api/warm-pools/" + poolId, b.key(), null).statusCode()).isEqualTo(404);
        JsonNode bs = ok(create(b, BUSYBOX));
        assertThat(bs.has("warmPoolId")).isFalse();
        assertThat(currentSize(a.key(), poolId)).isEqualTo(1);
        // the unclaimed sandbox is reachable by no one, its own organization included: not listed, 404 by id,
        // no toolbox call
        String member = engine.listByLabel("berth.sandbox").stream()
                .filter(c -> a.orgId().equals(c.labels().get("berth.org"))).map(c -> c.labels().get("berth.sandbox"))
                .findFirst().orElseThrow();
        for (Tenant t : List.of(a, b)) {
            assertThat(call("GET", "/api/sandbox/" + member, t.key(), null).statusCode()).isEqualTo(404);
            assertThat(call("POST", "/api/toolbox/" + member + "/process/execute", t.key(), "{\"command\":\"id\"}")
                    .statusCode()).isEqualTo(404);
            assertThat(call("DELETE", "/api/sandbox/" + member, t.key(), null).statusCode()).isEqualTo(404);
        }
        assertThat(admin("GET", "/api/sandbox/" + member, null).statusCode()).isEqualTo(404);
        assertThat(ok(call("GET", "/api/sandbox", a.key(), null)).toString()).doesNotContain(member);
        // a claims it
        JsonNode claimed = ok(create(a, BUSYBOX));
        assertThat(claimed.get("id").asString()).isEqualTo(member);
        assertThat(claimed.get("warmPoolId").asString()).isEqualTo(poolId);
    }

    @Test
    void fiftyConcurrentCreatesOnAPoolOfTenGetTenDistinctPoolSandboxesAndTheRestGoCold() throws Exception {
        Tenant t = owner();
        // the quota holds exactly the pool: claims take nothing more, no refill fits, and every cold create is
        // refused by the cold path's own quota check (so the burst costs no container starts)
        ok(admin("PATCH", "/api/admin/organizations/" + t.orgId() + "/quota", "{\"maxSandboxes\":10,\"totalCpuQuota\":20}"));
        String poolId = pool(t, "{\"snapshot\":\"berth/busybox\",\"pool\":10}").get("id").asString();
        awaitReady(t.key(), poolId, 10);
        double hitsBefore = hits(poolId);
        ExecutorService threads = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                futures.add(threads.submit(() -> {
                    go.await();
                    return create(t, BUSYBOX);
                }));
            }
            go.countDown();
            Set<String> fromPool = new HashSet<>();
            int cold = 0;
            for (Future<HttpResponse<String>> f : futures) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() / 100 == 2) {
                    JsonNode sb = json(r);
                    assertThat(sb.get("warmPoolId").asString()).isEqualTo(poolId);
                    assertThat(fromPool.add(sb.get("id").asString())).as("one sandbox per create").isTrue();
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
                    assertThat(r.body()).contains("maxSandboxes");
                    cold++;
                }
            }
            System.out.printf("[figure] 50 concurrent creates on a pool of 10: %d from the pool, %d cold%n",
                    fromPool.size(), cold);
            assertThat(fromPool).hasSize(10);
            assertThat(cold).isEqualTo(40);
            assertThat(hits(poolId) - hitsBefore).isEqualTo(10.0);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void concurrentClaimsWithOneNameGetOneSandboxAndTheOthersAConflictWithoutLosingPoolMembers() throws Exception {
        // claims queued behind each other are served in one transaction; a name taken within that transaction must
        // refuse only the claims at fault (409), and the refused ones must not use up pool sandboxes
        Tenant t = owner();
        ok(admin("PATCH", "/api/admin/organizations/" + t.orgId() + "/quota", "{\"maxSandboxes\":6,\"totalCpuQuota\":12}"));
        String poolId = pool(t, "{\"snapshot\":\"berth/busybox\",\"pool\":6}").get("id").asString();
        awaitReady(t.key(), poolId, 6);
        ExecutorService threads = Executors.newFixedThreadPool(12);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                String body = i < 8 ? "{\"snapshot\":\"berth/busybox\",\"name\":\"dup\"}" : BUSYBOX;
                futures.add(threads.submit(() -> {
                    go.await();
                    return create(t, body);
                }));
            }
            go.countDown();
            int created = 0;
            int conflicts = 0;
            for (Future<HttpResponse<String>> f : futures) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() / 100 == 2) {
                    assertThat(json(r).get("warmPoolId").asString()).isEqualTo(poolId);
                    created++;
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
                    assertThat(r.body()).contains("dup");
                    conflicts++;
                }
            }
            assertThat(created).as("one 'dup' and the four unnamed").isEqualTo(5);
            assertThat(conflicts).isEqualTo(7);
            JsonNode listed = ok(call("GET", "/api/sandbox", t.key(), null)).get("items");
            assertThat(listed.size()).as("the organization sees exactly what was created").isEqualTo(5);
            assertThat(sandboxRows.findPooled().stream().filter(s -> poolId.equals(s.getWarmPoolId())).count())
                    .as("the six pool sandboxes: five claimed, one left (no refill fits the quota)").isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void claimedSandboxesCountAgainstTheQuotaOfTheOrganizationThatClaimedThem() {
        // a system pool serves every organization; its claims are checked like any create
        JsonNode sys = ok(admin("POST", "/api/admin/warm-pools", "{\"snapshot\":\"berth/busybox\",\"pool\":2}"));
        pools.add(new String[] {ADMIN_KEY, sys.get("id").asString(), "system"});
        assertThat(sys.get("organizationId").asString()).isEqualTo("berth-system");
        awaitReady(ADMIN_KEY, sys.get("id").asString(), 2);
        Tenant t = owner();
        ok(admin("PATCH", "/api/admin/organizations/" + t.orgId() + "/quota", "{\"maxSandboxes\":1}"));
        JsonNode first = ok(create(t, BUSYBOX));
        assertThat(first.get("warmPoolId").asString()).isEqualTo(sys.get("id").asString());
        assertThat(first.get("organizationId").asString()).isEqualTo(t.orgId());
        HttpResponse<String> second = create(t, BUSYBOX);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(429);
        assertThat(second.body()).contains("maxSandboxes");
        // tenants do not see system pools; the pool is still there for others
        assertThat(ok(call("GET", "/api/warm-pools", t.key(), null)).size()).isZero();
        assertThat(call("POST", "/api/admin/warm-pools", t.key(), BUSYBOX.replace("}", ",\"pool\":1}")).statusCode())
                .isEqualTo(403);

        // an organization's own pool counts against its quota while it waits: 3 allowed, 2 kept warm, 1 claimed
        Tenant o = owner();
        ok(admin("PATCH", "/api/admin/organizations/" + o.orgId() + "/quota", "{\"maxSandboxes\":3}"));
        String own = pool(o, "{\"snapshot\":\"berth/busybox\",\"pool\":2}").get("id").asString();
        awaitReady(o.key(), own, 2);
        JsonNode c1 = ok(create(o, BUSYBOX));
        assertThat(c1.get("warmPoolId").asString()).isEqualTo(own);
        // the refill takes the third slot; then nothing more fits, warm or cold
        awaitReady(o.key(), own, 2);
        HttpResponse<String> refused = create(o, "{\"snapshot\":\"berth/busybox\",\"cpu\":2}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        JsonNode c2 = ok(create(o, BUSYBOX)); // a claim takes nothing more
        assertThat(c2.get("warmPoolId").asString()).isEqualTo(own);
        Awaitility.await("pool short of quota says so").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    JsonNode p = find(o.key(), own);
                    return p.get("errorReason").isString() && p.get("errorReason").asString().contains("maxSandboxes");
                });
    }

    @Test
    void badPoolRequestsAreRefusedNamingTheField() {
        Tenant t = owner();
        HttpResponse<String> unknown = call("POST", "/api/warm-pools", t.key(),
                "{\"snapshot\":\"berth/busybox\",\"pool\":1,\"size\":3}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("size");
        assertThat(call("POST", "/api/warm-pools", t.key(), "{\"snapshot\":\"berth/busybox\",\"pool\":-1}").body())
                .contains("pool");
        assertThat(call("POST", "/api/warm-pools", t.key(), "{\"snapshot\":\"berth/busybox\",\"pool\":101}")
                .statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/warm-pools", t.key(), "{\"snapshot\":\"nope\",\"pool\":1}").statusCode())
                .isEqualTo(404);
        HttpResponse<String> region = call("POST", "/api/warm-pools", t.key(),
                "{\"snapshot\":\"berth/busybox\",\"pool\":0,\"target\":\"mars\"}");
        assertThat(region.statusCode()).isEqualTo(400);
        assertThat(region.body()).contains("mars");
        pool(t, "{\"snapshot\":\"berth/busybox\",\"pool\":0}");
        HttpResponse<String> twice = call("POST", "/api/warm-pools", t.key(), "{\"snapshot\":\"berth/busybox\",\"pool\":0}");
        assertThat(twice.statusCode()).isEqualTo(409);
        assertThat(ok(call("GET", "/api/warm-pools", t.key(), null)).size()).isEqualTo(1);
        // a member without write:sandboxes may list but not create
        Tenant reader = tenants.create(Role.MEMBER, Set.of(), Set.of());
        assertThat(call("POST", "/api/warm-pools", reader.key(), "{\"snapshot\":\"berth/busybox\",\"pool\":1}")
                .statusCode()).isEqualTo(403);
        assertThat(call("GET", "/api/warm-pools", reader.key(), null).statusCode()).isEqualTo(200);
    }

    @Autowired
    SystemPoolKeeper keeper;

    @Autowired
    WarmPoolRepository poolRows;

    @Autowired
    dev.berth.server.snapshot.SnapshotRepository snapshotRows;

    @Test
    void aSystemPoolOfAnEarlierRegistrationOfTheConfiguredSnapshotIsRefusedToTheApiThenDrainedAndDeleted() {
        // the configured system snapshot (berth/default) was deleted and registered again: a pool made for its old id
        // serves no create; the API must not change it (the sweep would undo it) and the sweep drains and deletes it
        assertThat(snapshotRows.findByScopeAndName("*", "berth/default")).isPresent();
        WarmPool stale = poolRows.saveAndFlush(new WarmPool(java.util.UUID.randomUUID().toString(), WarmPool.SYSTEM,
                java.util.UUID.randomUUID().toString(), "berth/default", "us", 0, 2, 1, 1, 3, "root",
                java.time.Instant.now()));
        pools.add(new String[] {ADMIN_KEY, stale.getId(), "system"});
        HttpResponse<String> patch = call("PATCH", "/api/admin/warm-pools/" + stale.getId(), ADMIN_KEY, "{\"pool\":5}");
        assertThat(patch.statusCode()).as(patch.body()).isEqualTo(409);
        assertThat(patch.body()).contains("drains");
        keeper.keep(); // drained (a sweep of its own may already have deleted it)
        assertThat(poolRows.findById(stale.getId()).map(WarmPool::getPool).orElse(0)).isEqualTo(0);
        keeper.keep();
        assertThat(poolRows.findById(stale.getId())).isEmpty();
    }
}
