package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.auth.oidc.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** End to end: a JWT from an OIDC issuer plus X-Daytona-Organization-ID, as the Daytona SDK sends them. */
class OidcLoginIT extends BerthIT {

    static TestTokens idp;

    @DynamicPropertySource
    static void oidc(DynamicPropertyRegistry registry) {
        idp = TestTokens.start();
        idp.properties().forEach((k, v) -> registry.add(k, () -> v));
    }

    @AfterAll
    static void stop() {
        idp.close();
    }

    private HttpResponse<String> jwt(String method, String path, String token, String org, String body) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Authorization", "Bearer " + token);
        if (org != null) {
            b.header("X-Daytona-Organization-ID", org);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aUserSignsInCreatesAnOrganizationAndUsesItThroughTheHeader() throws Exception {
        String alice = idp.sign(idp.claims("alice-" + System.nanoTime()).claim("email", "alice@example.test").build());
        JsonNode me = ok(jwt("GET", "/api/users/me", alice, null, null));
        assertThat(me.get("email").asString()).isEqualTo("alice@example.test");
        String org = ok(jwt("POST", "/api/organizations", alice, null, "{\"name\":\"alice-co\"}")).get("id").asString();
        assertThat(jwt("GET", "/api/sandbox", alice, org, null).statusCode()).isEqualTo(200);
        // an organization she is not a member of does not exist for her
        assertThat(jwt("GET", "/api/sandbox", alice, "00000000-0000-0000-0000-000000000001", null).statusCode()).isEqualTo(401);
        // a token from another key is refused
        String forged = TestTokens.sign(TestTokens.newKey(idp.signingKey().getKeyID()), idp.claims("mallory").build());
        assertThat(jwt("GET", "/api/users/me", forged, null, null).statusCode()).isEqualTo(401);
        // without an organization, organization-scoped calls say what is missing
        var noOrg = jwt("GET", "/api/sandbox", alice, null, null);
        assertThat(noOrg.statusCode()).isEqualTo(400);
        assertThat(json(noOrg).get("message").asString()).contains("X-Daytona-Organization-ID");
    }
}
