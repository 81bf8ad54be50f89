package dev.berth.server.org;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runner.SandboxRunner;
import dev.berth.server.BerthIT;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * 50 concurrent creates against a quota that fits 10 must yield exactly 10 sandboxes; the rest get
 * 429 naming the exhausted quota and the usage. Subclasses run it per database and topology.
 */
public abstract class QuotaRaceContract extends BerthIT {

    protected static final int REQUESTS = 50;
    protected static final int FITS = 10;

    @Autowired
    protected Tenants tenants;

    /** The ports to spread the requests over (one per control-plane instance). */
    protected List<Integer> ports() {
        return List.of(port);
    }

    @Test
    void fiftyConcurrentCreatesAgainstAQuotaForTenYieldExactlyTen() throws Exception {
        var t = tenants.owner();
        ok(admin("PATCH", "/api/admin/organizations/" + t.orgId() + "/quota",
                "{\"maxSandboxes\":" + FITS + ",\"totalCpuQuota\":1000,\"totalMemoryQuota\":1000,\"totalDiskQuota\":10000}"));
        ExecutorService pool = Executors.newFixedThreadPool(REQUESTS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        List<Integer> ports = ports();
        long t0 = System.nanoTime();
        for (int i = 0; i < REQUESTS; i++) {
            int target = ports.get(i % ports.size());
            futures.add(pool.submit(() -> {
                go.await();
                return callOn(target, "POST", "/api/sandbox", t.key(), "{\"snapshot\":\"berth/busybox\"}");
            }));
        }
        go.countDown();
        int created = 0;
        int refused = 0;
        List<String> ids = new ArrayList<>();
        for (var f : futures) {
            HttpResponse<String> r = f.get(5, TimeUnit.MINUTES);
            if (r.statusCode() == 200) {
                created++;
                ids.add(json(r).get("id").asString());
            } else {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
                assertThat(json(r).get("message").asString()).contains("maxSandboxes").contains(FITS + " of " + FITS);
                refused++;
            }
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("quota race (%s, %d instance(s)): %d created, %d refused with 429 in %.1f s%n",
                getClass().getSimpleName(), ports.size(), created, refused, seconds);
        assertThat(created).isEqualTo(FITS);
        assertThat(refused).isEqualTo(REQUESTS - FITS);
        long containers = engine.listByLabel(SandboxRunner.LABEL_ORG).stream()
                .filter(c -> t.orgId().equals(c.labels().get(SandboxRunner.LABEL_ORG))).count();
        assertThat(containers).isEqualTo(FITS);
        assertThat(ok(call("GET", "/api/organizations/" + t.orgId() + "/usage", t.key(), null))
                .get("usage").get("sandboxes").asInt()).isEqualTo(FITS);
        for (String id : ids) {
            ok(call("DELETE", "/api/sandbox/" + id, t.key(), null));
        }
    }
}
