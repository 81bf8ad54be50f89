package dev.berth.server.org;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.auth.Permission;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Organizations, members, invitations, API keys, permissions and suspension through the API. */
class TenancyIT extends BerthIT {

    @Autowired
    Tenants tenants;

    @Test
    void organizationLifecycleAndMembership() {
        var t = tenants.owner();
        JsonNode me = ok(call("GET", "/api/users/me", t.key(), null));
        assertThat(me.get("id").asString()).isEqualTo(t.userId());
        // an API key is confined to its organization: it cannot create another (a user's token can, OidcLoginIT)
        assertThat(call("POST", "/api/organizations", t.key(), "{\"name\":\"team-x\"}").statusCode()).isEqualTo(403);
        String id = t.orgId();
        assertThat(ok(call("GET", "/api/organizations", t.key(), null)).valueStream()
                .map(o -> o.get("id").asString())).containsExactly(id);
        assertThat(ok(call("PATCH", "/api/organizations/" + id, t.key(), "{\"name\":\"team-y\"}")).get("name").asString())
                .isEqualTo("team-y");
        // a stranger sees nothing: 404, never 403
        var stranger = tenants.owner();
        assertThat(call("GET", "/api/organizations/" + id, stranger.key(), null).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/api/organizations/" + id, stranger.key(), null).statusCode()).isEqualTo(404);
        // invitation by email; answering it is the invitee's own act (their login), never a key's
        var invitee = tenants.user("invitee-" + System.nanoTime() + "@example.test");
        tenants.join(stranger.orgId(), invitee.getId(), Role.MEMBER);
        String inviteeKey = tenants.addKey(stranger.orgId(), invitee.getId(), Set.of(), null);
        JsonNode inv = ok(call("POST", "/api/organizations/" + id + "/invitations", t.key(),
                "{\"email\":\"" + invitee.getEmail() + "\",\"role\":\"member\",\"permissions\":[\"write:sandboxes\"]}"));
        assertThat(ok(call("GET", "/api/organizations/" + id + "/invitations", t.key(), null)).valueStream()
                .map(i -> i.get("id").asString())).contains(inv.get("id").asString());
        assertThat(call("GET", "/api/organizations/invitations", inviteeKey, null).statusCode()).isEqualTo(403);
        assertThat(call("POST", "/api/organizations/invitations/" + inv.get("id").asString() + "/accept", inviteeKey, null)
                .statusCode()).isEqualTo(403);
        ok(call("DELETE", "/api/organizations/" + id + "/invitations/" + inv.get("id").asString(), t.key(), null));
        tenants.join(id, invitee.getId(), Role.MEMBER);
        JsonNode members = ok(call("GET", "/api/organizations/" + id + "/members", t.key(), null));
        assertThat(members.valueStream().map(m -> m.get("userId").asString())).contains(invitee.getId());
        // a member cannot rename (403: it is a member, existence is no secret to it)
        String memberKey = tenants.addKey(id, invitee.getId(), Set.of(), null);
        assertThat(call("PATCH", "/api/organizations/" + id, memberKey, "{\"name\":\"x\"}").statusCode()).isEqualTo(403);
        // delete only when empty; the default org never
        assertThat(call("DELETE", "/api/organizations/" + id, t.key(), null).statusCode()).isEqualTo(204);
        assertThat(call("GET", "/api/organizations/" + id, stranger.key(), null).statusCode()).isEqualTo(404);
    }

    @Test
    void keysNeverExceedTheirCreatorAndEachPermissionIsEnforced() {
        var t = tenants.create(Role.MEMBER, EnumSet.of(Permission.WRITE_SANDBOXES), EnumSet.of(Permission.WRITE_SANDBOXES));
        var r = call("POST", "/api/api-keys", t.key(), "{\"name\":\"too-much\",\"permissions\":[\"delete:sandboxes\"]}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json(r).get("message").asString()).contains("delete:sandboxes");

        var owner = tenants.owner();
        JsonNode created = ok(call("POST", "/api/api-keys", owner.key(), "{\"name\":\"ro\",\"permissions\":[]}"));
        String readOnly = created.get("value").asString();
        assertThat(readOnly).matches("bth_[0-9a-f]{64}");
        JsonNode listed = ok(call("GET", "/api/api-keys", owner.key(), null));
        assertThat(listed.toString()).doesNotContain(readOnly);

        assertDenied(call("POST", "/api/sandbox", readOnly, "{\"snapshot\":\"berth/busybox\"}"), "write:sandboxes");
        String sb = ok(call("POST", "/api/sandbox", owner.key(), "{\"snapshot\":\"berth/busybox\"}")).get("id").asString();
        assertDenied(call("POST", "/api/sandbox/" + sb + "/stop", readOnly, null), "write:sandboxes");
        assertDenied(call("DELETE", "/api/sandbox/" + sb, readOnly, null), "delete:sandboxes");
        assertDenied(call("PUT", "/api/sandbox/" + sb + "/labels", readOnly, "{\"labels\":{}}"), "write:sandboxes");
        assertDenied(call("POST", "/api/toolbox/" + sb + "/process/execute", readOnly, "{\"command\":\"true\"}"),
                "write:sandboxes");
        // reads are allowed to every member
        assertThat(call("GET", "/api/sandbox/" + sb, readOnly, null).statusCode()).isEqualTo(200);
        assertThat(call("PATCH", "/api/admin/organizations/" + owner.orgId() + "/quota", owner.key(), "{}").statusCode())
                .isEqualTo(403);
        ok(call("DELETE", "/api/sandbox/" + sb, owner.key(), null));
    }

    private void assertDenied(HttpResponse<String> r, String permission) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(json(r).get("message").asString()).contains(permission);
    }

    @Test
    void expiredAndDeletedKeysStopWorkingAtOnce() {
        var t = tenants.owner();
        String shortLived = tenants.addKey(t.orgId(), t.userId(), Permission.all(), Instant.now().plusSeconds(2));
        assertThat(call("GET", "/api/sandbox", shortLived, null).statusCode()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> call("GET", "/api/sandbox", shortLived, null).statusCode() == 401);

        JsonNode k = ok(call("POST", "/api/api-keys", t.key(), "{\"name\":\"doomed\"}"));
        String doomed = k.get("value").asString();
        assertThat(call("GET", "/api/sandbox", doomed, null).statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/api/api-keys/doomed", t.key(), null).statusCode()).isEqualTo(204);
        assertThat(call("GET", "/api/sandbox", doomed, null).statusCode()).isEqualTo(401);
    }

    @Test
    void suspensionStopsSandboxesAndBlocksCreateAndStartButDeletesNothing() {
        var t = tenants.owner();
        String sb = ok(call("POST", "/api/sandbox", t.key(), "{\"snapshot\":\"berth/busybox\"}")).get("id").asString();
        ok(admin("POST", "/api/admin/organizations/" + t.orgId() + "/suspend", "{\"reason\":\"unpaid invoice\"}"));
        JsonNode s = ok(call("GET", "/api/sandbox/" + sb, t.key(), null));
        assertThat(s.get("state").asString()).isEqualTo("stopped");
        var create = call("POST", "/api/sandbox", t.key(), "{\"snapshot\":\"berth/busybox\"}");
        assertThat(create.statusCode()).isEqualTo(403);
        assertThat(json(create).get("message").asString()).contains("unpaid invoice");
        var start = call("POST", "/api/sandbox/" + sb + "/start", t.key(), null);
        assertThat(start.statusCode()).isEqualTo(403);
        assertThat(json(start).get("message").asString()).contains("suspended");
        ok(admin("POST", "/api/admin/organizations/" + t.orgId() + "/unsuspend", null));
        assertThat(ok(call("POST", "/api/sandbox/" + sb + "/start", t.key(), null)).get("state").asString()).isEqualTo("started");
        ok(call("DELETE", "/api/sandbox/" + sb, t.key(), null));
    }

    @Test
    void usageReportsAgainstQuota() {
        var t = tenants.owner();
        ok(admin("PATCH", "/api/admin/organizations/" + t.orgId() + "/quota", "{\"totalCpuQuota\":2,\"maxSandboxes\":5}"));
        String a = ok(call("POST", "/api/sandbox", t.key(), "{\"snapshot\":\"berth/busybox\",\"cpu\":2}")).get("id").asString();
        var over = call("POST", "/api/sandbox", t.key(), "{\"snapshot\":\"berth/busybox\",\"cpu\":1}");
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(json(over).get("message").asString()).contains("totalCpuQuota").contains("2 of 2");
        JsonNode usage = ok(call("GET", "/api/organizations/" + t.orgId() + "/usage", t.key(), null));
        assertThat(usage.get("usage").get("cpu").asInt()).isEqualTo(2);
        assertThat(usage.get("quota").get("totalCpu").asInt()).isEqualTo(2);
        // stopped sandboxes hold disk only, so a start of another fits again after stopping this one
        ok(call("POST", "/api/sandbox/" + a + "/stop", t.key(), null));
        String b = ok(call("POST", "/api/sandbox", t.key(), "{\"snapshot\":\"berth/busybox\",\"cpu\":2}")).get("id").asString();
        var start = call("POST", "/api/sandbox/" + a + "/start", t.key(), null);
        assertThat(start.statusCode()).isEqualTo(429);
        ok(call("DELETE", "/api/sandbox/" + a, t.key(), null));
        ok(call("DELETE", "/api/sandbox/" + b, t.key(), null));
    }
}
