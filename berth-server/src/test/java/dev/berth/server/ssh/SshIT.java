package dev.berth.server.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.server.BerthIT;
import dev.berth.server.org.Tenants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The SSH gateway end to end with Debian's OpenSSH client against sandboxes on the real engine: a command's output
 * and exit status, an interactive terminal, an SFTP round trip (and a clear error without sftp-server), and the
 * hostile side: revoked, expired, malformed and guessed tokens are refused, a token of one sandbox never reaches
 * another, another organization's sandbox is a 404 and its tokens do not validate, closing the channel kills the
 * process. Tokens are stored hashed.
 */
class SshIT extends BerthIT {

    private static final Pattern COMMAND = Pattern.compile("^ssh -p (\\d+) ([A-Za-z0-9]+)@(\\S+)$");

    @Autowired
    Tenants tenants;

    @Autowired
    JdbcTemplate jdbc;

    private final List<String> sandboxes = new ArrayList<>();

    record Access(String id, String token, int port, String host) {
    }

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void sshClientPresent() {
        assertThat(Path.of("/usr/bin/ssh")).as("Debian's openssh-client (./berth test installs it)").exists();
    }

    @AfterEach
    void cleanUp() {
        sandboxes.forEach(id -> admin("DELETE", "/api/sandbox/" + id, null));
    }

    private String sandbox() {
        String id = createBusybox().get("id").asString();
        sandboxes.add(id);
        return id;
    }

    private Access access(String sandboxId) {
        JsonNode a = ok(admin("POST", "/api/sandbox/" + sandboxId + "/ssh-access?expiresInMinutes=30", null));
        assertThat(a.get("sandboxId").asString()).isEqualTo(sandboxId);
        Matcher m = COMMAND.matcher(a.get("sshCommand").asString());
        assertThat(m.matches()).as(a.get("sshCommand").asString()).isTrue();
        assertThat(m.group(2)).isEqualTo(a.get("token").asString());
        return new Access(a.get("id").asString(), m.group(2), Integer.parseInt(m.group(1)), m.group(3));
    }

    private Run ssh(Access a, String user, List<String> extra, byte[] stdin) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-p", Integer.toString(a.port()),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=20"));
        cmd.addAll(extra.subList(0, extra.indexOf("--")));
        cmd.add(user + "@" + a.host());
        cmd.addAll(extra.subList(extra.indexOf("--") + 1, extra.size()));
        return run(cmd, stdin);
    }

    private static Run run(List<String> cmd, byte[] stdin) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        var out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        var err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        } catch (IOException e) {
            // the client may have exited before reading its input (a refused connection)
        }
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish in 90 s");
        }
        return new Run(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private Run exec(Access a, String command) throws Exception {
        return ssh(a, a.token(), List.of("--", command), null);
    }

    private String toolboxExec(String sandboxId, String command) {
        return ok(admin("POST", "/api/toolbox/" + sandboxId + "/process/execute",
                JSON.writeValueAsString(Map.of("command", command)))).get("result").asString();
    }

    @Test
    void aCommandRunsInItsSandboxWithItsOutputAndExitStatus() throws Exception {
        String id = sandbox();
        Access a = access(id);
        Run r = exec(a, "echo hi; echo oops >&2; exit 3");
        assertThat(r.exit()).as(r.err()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("hi\n");
        assertThat(r.err()).contains("oops");
        // stdin streams through (binary safe), and the command runs in this very sandbox
        byte[] blob = new byte[300_000];
        new java.util.Random(7).nextBytes(blob);
        Run w = ssh(a, a.token(), List.of("--", "cat > /tmp/blob && wc -c < /tmp/blob"), blob);
        assertThat(w.exit()).as(w.err()).isZero();
        assertThat(w.out().trim()).isEqualTo("300000");
        assertThat(toolboxExec(id, "md5sum /tmp/blob")).startsWith(md5(blob));
        // the session is audited
        JsonNode audit = ok(admin("GET", "/api/audit-logs?targetId=" + id + "&action=sandbox.ssh.exec", null));
        assertThat(audit.get("items")).isNotEmpty();
        assertThat(audit.get("items").get(0).get("actor").asString()).isEqualTo("ssh-access:" + a.id());
    }

    @Test
    void anInteractiveTerminalShowsItsOutputAndReturnsTheShellsExitStatus() throws Exception {
        Access a = access(sandbox());
        Run r = ssh(a, a.token(), List.of("-tt", "--"),
                "echo tty-$((6*7)); tty; exit 4\n".getBytes(StandardCharsets.UTF_8));
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(4);
        assertThat(r.out()).contains("tty-42").contains("/dev/pts/");
    }

    @Test
    void sftpPutsAndGetsAFileThroughTheSandboxsOwnSftpServer(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        String id = sandbox();
        Access a = access(id);
        // busybox has no sftp-server: a clear message, and sftp fails
        Files.writeString(dir.resolve("batch"), "ls /\n");
        Run missing = sftp(a, dir.resolve("batch"));
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("this sandbox has no sftp-server");

        // give the sandbox Debian's sftp-server (and the C library it needs), sent through ssh's stdin
        for (String f : List.of("/usr/lib/openssh/sftp-server", "/lib/x86_64-linux-gnu/libc.so.6",
                "/lib64/ld-linux-x86-64.so.2")) {
            String parent = f.substring(0, f.lastIndexOf('/'));
            Run put = ssh(a, a.token(), List.of("--", "mkdir -p " + parent + " && cat > " + f + " && chmod 755 " + f),
                    Files.readAllBytes(Path.of(f)));
            assertThat(put.exit()).as(put.err()).isZero();
        }
        byte[] content = new byte[1_500_000];
        new java.util.Random(11).nextBytes(content);
        Files.write(dir.resolve("up.bin"), content);
        Files.writeString(dir.resolve("batch"), "put " + dir.resolve("up.bin") + " /tmp/up.bin\n"
                + "get /tmp/up.bin " + dir.resolve("down.bin") + "\n");
        Run r = sftp(a, dir.resolve("batch"));
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("down.bin"))).isEqualTo(content);
        assertThat(toolboxExec(id, "md5sum /tmp/up.bin")).startsWith(md5(content));
    }

    private Run sftp(Access a, Path batch) throws Exception {
        return run(List.of("sftp", "-P", Integer.toString(a.port()), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
                "-b", batch.toString(), a.token() + "@" + a.host()), null);
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void noTokenEverAppearsInTheLog(org.springframework.boot.test.system.CapturedOutput log) throws Exception {
        // the SSH user name is the token: neither MINA's messages nor Berth's may print it, for a session that
        // authenticates, one that is refused, or one closed by a revocation
        String id = sandbox();
        Access a = access(id);
        assertThat(exec(a, "true").exit()).isZero();
        String unknown = a.token().substring(0, a.token().length() - 4) + "zzzz";
        assertThat(exec(new Access(a.id(), unknown, a.port(), a.host()), "true").exit()).isNotZero();
        Access b = access(id);
        List<String> open = new ArrayList<>(List.of("ssh", "-p", Integer.toString(b.port()),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR", b.token() + "@" + b.host(), "echo started; sleep 603"));
        Process p = new ProcessBuilder(open).redirectErrorStream(true).start();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("started");
            admin("DELETE", "/api/sandbox/" + id + "/ssh-access?token=" + b.token(), null);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(log.getAll()).contains("SSH session from").doesNotContain(a.token()).doesNotContain(unknown)
                .doesNotContain(b.token());
    }

    @Test
    void revokingATokenClosesTheConnectionsAlreadyOpenWithItAndEndsTheirProcesses() throws Exception {
        String id = sandbox();
        Access a = access(id);
        Access kept = access(id);
        List<String> cmd = new ArrayList<>(List.of("ssh", "-p", Integer.toString(a.port()),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=20"));
        List<String> open = new ArrayList<>(cmd);
        open.addAll(List.of(a.token() + "@" + a.host(), "echo started; sleep 601"));
        Process p = new ProcessBuilder(open).redirectErrorStream(true).start();
        List<String> other = new ArrayList<>(cmd);
        other.addAll(List.of(kept.token() + "@" + kept.host(), "echo started; sleep 602"));
        Process q = new ProcessBuilder(other).redirectErrorStream(true).start();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("started");
            var out2 = new java.io.BufferedReader(new java.io.InputStreamReader(q.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out2.readLine()).isEqualTo("started");
            assertThat(admin("DELETE", "/api/sandbox/" + id + "/ssh-access?token=" + a.token(), null).statusCode())
                    .isEqualTo(200);
            // the gateway checks open connections again every few seconds (berth.ssh.recheck-every)
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the revoked token's connection is closed").isTrue();
            assertThat(p.exitValue()).isNotZero();
            await("its command ended in the sandbox").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> !toolboxExec(id, "ps").contains("sleep 601"));
            assertThat(q.isAlive()).as("the other token's connection stays").isTrue();
            assertThat(toolboxExec(id, "ps")).contains("sleep 602");
        } finally {
            p.destroyForcibly();
            q.destroyForcibly();
        }
    }

    @Test
    void revokedExpiredMalformedAndGuessedTokensAreRefused() throws Exception {
        String id = sandbox();
        Access revoked = access(id);
        Access kept = access(id);
        assertThat(exec(revoked, "true").exit()).isZero();
        assertThat(admin("DELETE", "/api/sandbox/" + id + "/ssh-access?token=" + revoked.token(), null).statusCode())
                .isEqualTo(200);
        assertRefused(revoked, revoked.token());
        assertThat(validate(ADMIN_KEY, revoked.token()).get("valid").asBoolean()).isFalse();
        assertThat(exec(kept, "true").exit()).as("only the named token is revoked").isZero();

        Access expired = access(id);
        assertThat(validate(ADMIN_KEY, expired.token()).get("valid").asBoolean()).isTrue();
        jdbc.update("update ssh_access set expires_at = ? where id = ?",
                java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(1)), expired.id());
        assertRefused(expired, expired.token());
        assertThat(validate(ADMIN_KEY, expired.token()).get("valid").asBoolean()).isFalse();

        // a guessed token of the right shape, a malformed one, and the token as a password for another user
        assertRefused(kept, SshTokens.generate());
        assertRefused(kept, "root");
        assertRefused(kept, kept.token().substring(1));

        // without a token, DELETE revokes all of the sandbox's
        ok(admin("DELETE", "/api/sandbox/" + id + "/ssh-access", null));
        assertRefused(kept, kept.token());
    }

    private void assertRefused(Access a, String user) throws Exception {
        Run r = ssh(a, user, List.of("--", "echo should-not-run"), null);
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(255);
        assertThat(r.out()).doesNotContain("should-not-run");
        assertThat(r.err()).contains("Permission denied");
    }

    private JsonNode validate(String key, String token) {
        return ok(call("GET", "/api/sandbox/ssh-access/validate?token=" + token, key, null));
    }

    @Test
    void aTokenReachesOnlyItsOwnSandboxAndOtherOrganizationsSeeNothing() throws Exception {
        String a = sandbox();
        String b = sandbox();
        toolboxExec(a, "echo sandbox-a > /tmp/who");
        toolboxExec(b, "echo sandbox-b > /tmp/who");
        Access forA = access(a);
        Access forB = access(b);
        assertThat(exec(forA, "cat /tmp/who").out()).isEqualTo("sandbox-a\n");
        assertThat(exec(forB, "cat /tmp/who").out()).isEqualTo("sandbox-b\n");
        assertThat(validate(ADMIN_KEY, forA.token()).get("sandboxId").asString()).isEqualTo(a);

        var other = tenants.owner();
        // another organization: the sandbox is a 404 for every route, and the tokens do not validate there
        for (String[] route : new String[][] {{"POST", "/api/sandbox/" + a + "/ssh-access"},
                {"DELETE", "/api/sandbox/" + a + "/ssh-access"},
                {"DELETE", "/api/sandbox/" + a + "/ssh-access?token=" + forA.token()}}) {
            var r = call(route[0], route[1], other.key(), null);
            assertThat(r.statusCode()).as(route[0] + " " + route[1] + ": " + r.body()).isEqualTo(404);
        }
        JsonNode v = validate(other.key(), forA.token());
        assertThat(v.get("valid").asBoolean()).isFalse();
        assertThat(v.get("sandboxId").isNull()).isTrue();
        assertThat(exec(forA, "true").exit()).as("the other organization's revoke changed nothing").isZero();

        // its own sandbox's token gives it its own sandbox only
        String theirs = ok(call("POST", "/api/sandbox", other.key(), "{\"snapshot\":\"berth/busybox\"}")).get("id")
                .asString();
        try {
            JsonNode t = ok(call("POST", "/api/sandbox/" + theirs + "/ssh-access", other.key(), null));
            assertThat(validate(ADMIN_KEY, t.get("token").asString()).get("valid").asBoolean()).isFalse();
            Matcher m = COMMAND.matcher(t.get("sshCommand").asString());
            assertThat(m.matches()).isTrue();
            Run r = exec(new Access(t.get("id").asString(), m.group(2), Integer.parseInt(m.group(1)), m.group(3)),
                    "cat /tmp/who 2>&1 || echo none");
            assertThat(r.out()).contains("none").doesNotContain("sandbox-");
        } finally {
            call("DELETE", "/api/sandbox/" + theirs, other.key(), null);
        }
    }

    @Test
    void tokensAreLongRandomAndStoredOnlyAsTheirHash() {
        String id = sandbox();
        Access one = access(id);
        Access two = access(id);
        assertThat(one.token()).hasSize(43).matches("[A-Za-z0-9]+").isNotEqualTo(two.token());
        var rows = jdbc.queryForList("select * from ssh_access where sandbox_id = ?", id);
        assertThat(rows).hasSize(2);
        assertThat(rows.toString()).doesNotContain(one.token()).doesNotContain(two.token())
                .contains(SshTokens.hash(one.token()));
    }

    @Test
    void expiresInMinutesIsBoundedAndNamedWhenWrong() {
        String id = sandbox();
        for (String bad : List.of("0", "1441", "-5")) {
            var r = admin("POST", "/api/sandbox/" + id + "/ssh-access?expiresInMinutes=" + bad, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).contains("expiresInMinutes");
        }
        var r = admin("POST", "/api/sandbox/" + id + "/ssh-access?expiresInMinutes=abc", null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("expiresInMinutes");
        JsonNode def = ok(admin("POST", "/api/sandbox/" + id + "/ssh-access", null));
        Duration left = Duration.between(java.time.Instant.now(), java.time.Instant.parse(def.get("expiresAt").asString()));
        assertThat(left).isBetween(Duration.ofMinutes(58), Duration.ofMinutes(61));
        assertThat(admin("GET", "/api/sandbox/ssh-access/validate", null).statusCode()).isEqualTo(400);
        assertThat(admin("POST", "/api/sandbox/no-such-sandbox/ssh-access", null).statusCode()).isEqualTo(404);
    }

    @Test
    void closingTheConnectionKillsTheProcessInTheSandbox() throws Exception {
        String id = sandbox();
        Access a = access(id);
        Process p = new ProcessBuilder("ssh", "-p", Integer.toString(a.port()), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
                a.token() + "@" + a.host(), "sleep 4321").redirectErrorStream(true).start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> toolboxExec(id, "ps").contains("sleep 4321"));
        } finally {
            p.destroyForcibly();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !toolboxExec(id, "ps").contains("sleep 4321"));
    }

    private static String md5(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(b));
    }
}
