package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.org.Role;
import dev.berth.server.org.Tenants;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Issue 9, findings 2, 8 and 10: an API key is confined to its own organization and permissions on the
 * organization routes and on POST /api/api-keys; key deletion follows the permission-subset rule; an
 * organization that had sandboxes can be deleted and its audit records survive it.
 */
class OrganizationKeyConfinementIT extends BerthIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Autowired
    Tenants tenants;

    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    /** The probe of finding 2, step by step: org A's permissionless key against org B (same user in both). */
    @Test
    void aPermissionlessKeyOfOneOrganizationCannotTouchAnother() {
        var a = tenants.owner();
        var b = tenants.owner();
        tenants.join(b.orgId(), a.userId(), Role.OWNER); // A's user is an owner of B too: the worst case
        String weak = tenants.addKey(a.orgId(), a.userId(), Set.of(), null);
        JsonNode sb = ok(call("POST", "/api/sandbox", b.key(), "{\"snapshot\":\"berth/busybox\",\"name\":\"b-box\"}"));
        String bName = ok(call("GET", "/api/organizations/" + b.orgId(), b.key(), null)).get("name").asString();
        List<String> failures = new ArrayList<>();

        // lists only its own organization
        var listed = ok(call("GET", "/api/organizations", weak, null));
        assertThat(listed.valueStream().map(o -> o.get("id").asString())).containsExactly(a.orgId());
        String o = "/api/organizations/" + b.orgId();
        String[][] probes = {{"GET", o, null}, {"PATCH", o, "{\"name\":\"pwned\"}"}, {"DELETE", o, null},
            {"GET", o + "/usage", null}, {"GET", o + "/members", null},
            {"PATCH", o + "/members/" + b.userId(), "{\"role\":\"member\",\"permissions\":[]}"},
            {"DELETE", o + "/members/" + b.userId(), null}, {"GET", o + "/invitations", null},
            {"POST", o + "/invitations", "{\"email\":\"x@example.test\",\"role\":\"owner\"}"},
            {"POST", "/api/organizations", "{\"name\":\"new-org\"}"}, {"GET", "/api/organizations/invitations", null}};
        for (String[] p : probes) {
            int st = call(p[0], p[1], weak, p[2]).statusCode();
            if (st != 403 && st != 404) {
                failures.add(p[0] + " " + p[1] + " -> " + st);
            }
        }
        // a full-permission key for B, asked for with B's header: refused, not ignored
        var mint = withOrg("POST", "/api/api-keys", weak, b.orgId(), "{\"name\":\"for-b\",\"permissions\":[\"write:sandboxes\"]}");
        if (mint.statusCode() != 403) {
            failures.add("POST /api/api-keys with B's header -> " + mint.statusCode() + " " + mint.body());
        }
        // B's header on any route is refused, even where the key would otherwise act in its own organization
        assertThat(withOrg("GET", "/api/sandbox", weak, b.orgId(), null).statusCode()).isEqualTo(403);
        // the key cannot mint a key beyond its own (empty) permissions in its own organization either
        assertThat(call("POST", "/api/api-keys", weak, "{\"name\":\"more\",\"permissions\":[\"write:sandboxes\"]}")
                .statusCode()).isEqualTo(403);
        // and a restricted key of an owner cannot administer even its own organization
        assertThat(call("PATCH", "/api/organizations/" + a.orgId(), weak, "{\"name\":\"x\"}").statusCode()).isEqualTo(403);
        // the toolbox refuses it (no write:sandboxes) whatever sandbox it names
        assertThat(call("POST", "/api/toolbox/" + sb.get("id").asString() + "/process/execute", weak,
                "{\"command\":\"hostname\"}").statusCode()).isIn(403, 404);
        assertThat(failures).isEmpty();

        // B unchanged: name, members, no new keys, the sandbox still running
        assertThat(ok(call("GET", "/api/organizations/" + b.orgId(), b.key(), null)).get("name").asString()).isEqualTo(bName);
        assertThat(ok(call("GET", o + "/members", b.key(), null)).size()).isEqualTo(2);
        assertThat(ok(call("GET", "/api/api-keys", b.key(), null)).size()).isEqualTo(1);
        assertThat(ok(call("GET", o + "/invitations", b.key(), null)).size()).isZero();
        assertThat(ok(call("GET", "/api/sandbox/" + sb.get("id").asString(), b.key(), null)).get("state").asString())
                .isEqualTo("started");
        // the refused rename is in B's audit log, as A's key's attempt
        Awaitility.await("refused rename in B's audit log").atMost(Duration.ofSeconds(10)).until(() ->
                ok(call("GET", "/api/audit-logs?limit=200", b.key(), null)).get("items").valueStream()
                        .anyMatch(n -> n.get("action").asString().equals("organizations.update")
                                && n.path("statusCode").asInt() == 404 && n.get("actor").asString().startsWith("apikey:")
                                && n.get("organizationId").asString().equals(b.orgId())));
        // an organization id that exists nowhere gets no records of its own: the attempt is in A's log
        String madeUp = java.util.UUID.randomUUID().toString();
        assertThat(call("PATCH", "/api/organizations/" + madeUp, weak, "{\"name\":\"x\"}").statusCode()).isEqualTo(404);
        Awaitility.await("the made-up id's attempt in A's log").atMost(Duration.ofSeconds(10)).until(() ->
                jdbc.queryForList("select organization_id from audit_log where target_id = ?", String.class, madeUp)
                        .equals(java.util.List.of(a.orgId())));
        ok(call("DELETE", "/api/sandbox/" + sb.get("id").asString(), b.key(), null));
    }

    /** Finding 8: a key deletes only keys within its own permissions, of its own user unless an owner. */
    @Test
    void aKeyDeletesOnlyKeysWithinItsOwnPermissions() {
        var t = tenants.create(Role.MEMBER, Permission.all(), Permission.all());
        String weak = tenants.addKey(t.orgId(), t.userId(), Set.of(), null);
        String strongName = keyName(t.key());
        assertThat(call("DELETE", "/api/api-keys/" + strongName, weak, null).statusCode()).isEqualTo(403);
        var colleague = tenants.user("colleague-" + System.nanoTime() + "@example.test");
        tenants.join(t.orgId(), colleague.getId(), Role.MEMBER);
        String theirs = tenants.addKey(t.orgId(), colleague.getId(), Set.of(), null);
        // a plain member cannot delete a colleague's key, even a weaker one
        assertThat(call("DELETE", "/api/api-keys/" + keyName(theirs), t.key(), null).statusCode()).isEqualTo(403);
        assertThat(call("GET", "/api/sandbox", theirs, null).statusCode()).isEqualTo(200);
        // a key may delete a weaker key of its own user, and itself
        String spare = tenants.addKey(t.orgId(), t.userId(), EnumSet.of(Permission.READ_AUDIT_LOGS), null);
        assertThat(call("DELETE", "/api/api-keys/" + keyName(weak), t.key(), null).statusCode()).isEqualTo(204);
        assertThat(call("DELETE", "/api/api-keys/" + keyName(spare), spare, null).statusCode()).isEqualTo(204);
        assertThat(call("GET", "/api/sandbox", spare, null).statusCode()).isEqualTo(401);
        // an owner's full key may delete anyone's key
        var owner = tenants.owner();
        tenants.join(owner.orgId(), colleague.getId(), Role.MEMBER);
        String member = tenants.addKey(owner.orgId(), colleague.getId(), Set.of(), null);
        assertThat(call("DELETE", "/api/api-keys/" + keyName(member), owner.key(), null).statusCode()).isEqualTo(204);
    }

    /** Finding 10: deleting an organization whose sandboxes are destroyed; its audit records stay. */
    @Test
    void aKeyCannotMintAKeyThatOutlivesIt() {
        var t = tenants.owner();
        java.time.Instant expiry = java.time.Instant.now().plus(java.time.Duration.ofHours(1));
        String shortLived = tenants.addKey(t.orgId(), t.userId(), Permission.all(), expiry);
        var forever = call("POST", "/api/api-keys", shortLived, "{\"name\":\"forever\"}");
        assertThat(forever.statusCode()).as(forever.body()).isEqualTo(403);
        assertThat(json(forever).get("detail").asString()).contains("expiresAt no later than");
        var later = call("POST", "/api/api-keys", shortLived, "{\"name\":\"later\",\"expiresAt\":\""
                + expiry.plus(java.time.Duration.ofDays(1)) + "\"}");
        assertThat(later.statusCode()).as(later.body()).isEqualTo(403);
        var within = call("POST", "/api/api-keys", shortLived, "{\"name\":\"within\",\"expiresAt\":\""
                + expiry.minus(java.time.Duration.ofMinutes(5)) + "\"}");
        assertThat(within.statusCode()).as(within.body()).isEqualTo(200);
    }

    @Test
    void anOrganizationThatHadSandboxesCanBeDeleted() {
        var t = tenants.owner();
        String id = ok(call("POST", "/api/sandbox", t.key(), "{\"snapshot\":\"berth/busybox\"}")).get("id").asString();
        // refused while it lives
        assertThat(call("DELETE", "/api/organizations/" + t.orgId(), t.key(), null).statusCode()).isEqualTo(409);
        ok(call("DELETE", "/api/sandbox/" + id, t.key(), null));
        // 409 while the sandbox is still being destroyed; then deleted (before the fix: 409 forever)
        var del = Awaitility.await("organization deleted").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> call("DELETE", "/api/organizations/" + t.orgId(), t.key(), null), r -> r.statusCode() != 409);
        assertThat(del.statusCode()).as(del.body()).isEqualTo(204);
        assertThat(jdbc.queryForObject("select count(*) from organization where id = ?", Long.class, t.orgId())).isZero();
        assertThat(jdbc.queryForObject("select count(*) from sandbox where id = ?", Long.class, id)).isZero();
        assertThat(call("GET", "/api/sandbox", t.key(), null).statusCode()).isEqualTo(401); // its keys are gone
        // the audit history of the deleted organization survives it, its deletion included
        assertThat(jdbc.queryForList("select action from audit_log where organization_id = ?", String.class, t.orgId()))
                .contains("sandbox.create", "sandbox.delete", "organizations.delete");
    }

    /** The name {@link Tenants#addKey} gives a key. */
    private static String keyName(String value) {
        return "k-" + value.substring(4, 10);
    }

    private HttpResponse<String> withOrg(String method, String path, String key, String org, String body) {
        var b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).header("X-Daytona-Organization-ID", org);
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
