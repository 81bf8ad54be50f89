package dev.berth.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.org.Tenants;
import dev.berth.server.org.Tenants.Tenant;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 finding 5: the default organization quota (16 cores) equalled the embedded runner's whole capacity
 * (8 per host core: 16 on this 2-core machine), so one tenant at its quota made every other tenant's create a
 * 503. A tenant now fills its default quota and is refused with its own 429, and another tenant can still
 * create.
 */
class QuotaCapacityIT extends BerthIT {

    private static final String TWO_CORES = "{\"snapshot\":\"berth/busybox\",\"cpu\":2}";

    @org.springframework.beans.factory.annotation.Autowired
    Tenants tenants;

    private final List<String[]> created = new ArrayList<>();

    @AfterEach
    void removeSandboxes() {
        created.forEach(c -> call("DELETE", "/api/sandbox/" + c[1], c[0], null));
    }

    private HttpResponse<String> create(Tenant t) {
        HttpResponse<String> r = call("POST", "/api/sandbox", t.key(), TWO_CORES);
        if (r.statusCode() / 100 == 2) {
            created.add(new String[] {t.key(), json(r).get("id").asString()});
        }
        return r;
    }

    @Test
    void anotherTenantCanCreateWhileOneHasUsedItsWholeQuota() {
        Tenant a = tenants.owner();
        Tenant b = tenants.owner();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            HttpResponse<String> r = create(a);
            if (r.statusCode() / 100 != 2) {
                refused = r;
            }
        }
        assertThat(refused).as("A is stopped by its quota").isNotNull();
        System.out.printf("tenant A: %d sandboxes of 2 cores, then %d %s%n", created.size(), refused.statusCode(),
                refused.body());
        assertThat(refused.statusCode()).as("A meets its own quota, not the runner's capacity").isEqualTo(429);
        assertThat(json(refused).get("detail").asString()).contains("totalCpuQuota");

        HttpResponse<String> other = create(b);
        assertThat(other.statusCode()).as(other.body()).isBetween(200, 299);
    }
}
