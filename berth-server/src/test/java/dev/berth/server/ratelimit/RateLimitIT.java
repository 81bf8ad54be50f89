package dev.berth.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.auth.Permission;
import dev.berth.server.org.Tenants;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Low test-only limits: 3/s per key and per organization, no extra burst. Equal limits keep the
 * tests independent of how fast calls are: one key alone meets its own limit first (it is
 * checked first), two keys taking turns meet the organization's first (each spends half).
 */
@TestPropertySource(properties = {"berth.rate-limit.per-key-per-second=3", "berth.rate-limit.per-org-per-second=3",
        "berth.rate-limit.burst-multiplier=1"})
class RateLimitIT extends BerthIT {

    @Autowired
    Tenants tenants;

    private final HttpClient http = HttpClient.newHttpClient();

    /** Sends {@code n} list calls with {@code key} at once. */
    private List<HttpResponse<String>> burst(String key, int n) {
        var calls = IntStream.range(0, n).mapToObj(i -> http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/sandbox"))
                        .header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString())).toList();
        return calls.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void aBurstOverTheKeyLimitIsRefusedWithRetryAfterAndOthersAreUnaffected() {
        var tenant = tenants.owner();
        List<HttpResponse<String>> results = burst(tenant.key(), 20);
        assertThat(results).extracting(HttpResponse::statusCode).containsOnly(200, 429).contains(200, 429);
        HttpResponse<String> refused = results.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json(refused);
        assertThat(problem.get("status").asInt()).isEqualTo(429);
        assertThat(problem.get("code").asString()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(problem.get("limit").asString()).isEqualTo("api_key");
        assertThat(problem.get("detail").asString())
                .isEqualTo("rate limit of 3 requests per second per API key exceeded; retry after 1s");

        var other = tenants.owner();
        assertThat(call("GET", "/api/sandbox", other.key(), null).statusCode()).as("another organization's key")
                .isEqualTo(200);
        assertThat(call("GET", "/api/health", null, null).statusCode()).as("health is exempt").isEqualTo(200);
    }

    @Test
    void keysOfOneOrganizationShareItsLimit() {
        var tenant = tenants.owner();
        List<String> keys = List.of(tenant.key(), tenants.addKey(tenant.orgId(), tenant.userId(), Permission.all(), null));
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> r = call("GET", "/api/sandbox", keys.get(i % 2), null);
            if (r.statusCode() == 429) {
                assertThat(json(r).get("limit").asString()).isEqualTo("organization");
                assertThat(json(r).get("detail").asString()).contains("3 requests per second per organization");
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                return;
            }
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        throw new AssertionError("100 calls in a row were not rate limited");
    }
}
