package dev.berth.server.toolbox.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runner.agent.ExecRequest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The git routes with the sandbox's own git: a local repository, a local bare remote, an authenticated HTTP remote. */
class GitIT extends DefaultImageIT {

    private JsonNode status(String id, String path) {
        return ok(tb("GET", id, "/git/status?path=" + q(path), null));
    }

    @Test
    void initAddCommitStatusBranchesCheckout() throws Exception {
        String id = sandbox(DEFAULT);
        ok(tb("POST", id, "/git/init", "{\"path\":\"repo\",\"initial_branch\":\"main\"}"));
        sh(id, "printf one > /root/repo/a.txt");

        JsonNode st = status(id, "/root/repo");
        assertThat(st.get("currentBranch").asString()).isEqualTo("main");
        assertThat(st.get("fileStatus").get(0).get("name").asString()).isEqualTo("a.txt");
        assertThat(st.get("fileStatus").get(0).get("staging").asString()).isEqualTo("Untracked");
        assertThat(st.get("branchPublished").asBoolean()).isFalse();

        ok(tb("POST", id, "/git/add", "{\"path\":\"repo\",\"files\":[\".\"]}"));
        assertThat(status(id, "repo").get("fileStatus").get(0).get("staging").asString()).isEqualTo("Added");
        JsonNode commit = ok(tb("POST", id, "/git/commit",
                "{\"path\":\"repo\",\"message\":\"first; $(touch /tmp/pwned)\",\"author\":\"Ada L\",\"email\":\"ada@example.com\"}"));
        assertThat(commit.get("hash").asString()).matches("[0-9a-f]{40}");
        assertThat(sh(id, "git -C /root/repo log -1 --format='%H|%an|%ae|%s'"))
                .isEqualTo(commit.get("hash").asString() + "|Ada L|ada@example.com|first; $(touch /tmp/pwned)\n");
        assertThat(sh(id, "ls /tmp")).doesNotContain("pwned");
        assertThat(status(id, "repo").get("fileStatus")).isEmpty();

        ok(tb("POST", id, "/git/branches", "{\"path\":\"repo\",\"name\":\"feature\"}"));
        JsonNode branches = ok(tb("GET", id, "/git/branches?path=repo", null));
        assertThat(branches.get("current").asString()).isEqualTo("feature");
        assertThat(texts(branches.get("branches"))).containsExactly("feature", "main");
        daemonError(tb("POST", id, "/git/branches", "{\"path\":\"repo\",\"name\":\"main\"}"), 409, "GIT_BRANCH_EXISTS");

        sh(id, "printf two > /root/repo/a.txt && git -C /root/repo -c user.name=x -c user.email=x@y commit -qam two");
        ok(tb("POST", id, "/git/checkout", "{\"path\":\"repo\",\"branch\":\"main\"}"));
        assertThat(status(id, "repo").get("currentBranch").asString()).isEqualTo("main");
        sh(id, "printf dirty > /root/repo/a.txt");
        JsonNode mod = status(id, "repo").get("fileStatus").get(0);
        assertThat(mod.get("worktree").asString()).isEqualTo("Modified");
        assertThat(mod.get("staging").asString()).isEqualTo("Unmodified");
        daemonError(tb("POST", id, "/git/checkout", "{\"path\":\"repo\",\"branch\":\"feature\"}"), 409,
                "GIT_DIRTY_WORKTREE");
        daemonError(tb("POST", id, "/git/checkout", "{\"path\":\"repo\",\"branch\":\"nope\"}"), 404,
                "GIT_BRANCH_NOT_FOUND");
        daemonError(tb("POST", id, "/git/checkout", "{\"path\":\"repo\",\"branch\":\"--orphan\"}"), 400, "BAD_REQUEST");

        ok(tb("DELETE", id, "/git/branches", "{\"path\":\"repo\",\"name\":\"feature\"}"));
        daemonError(tb("DELETE", id, "/git/branches", "{\"path\":\"repo\",\"name\":\"feature\"}"), 404,
                "GIT_BRANCH_NOT_FOUND");
        daemonError(tb("GET", id, "/git/status?path=" + q("/tmp"), null), 404, "GIT_REPO_NOT_FOUND");
        daemonError(tb("GET", id, "/git/status?path=" + q("/nope"), null), 404, "GIT_REPO_NOT_FOUND");
    }

    @Test
    void cloneFromALocalBareRepositoryPushAndPull() throws Exception {
        String id = sandbox(DEFAULT);
        sh(id, "git config --global user.name T && git config --global user.email t@x && git init -q --bare /srv/origin.git"
                + " && git init -q -b main /root/repo && cd /root/repo && printf base > f.txt && git add . "
                + "&& git commit -qm base && git remote add origin /srv/origin.git");
        ok(tb("POST", id, "/git/push", "{\"path\":\"repo\",\"remote\":\"origin\",\"branch\":\"main\",\"set_upstream\":true}"));
        JsonNode st = status(id, "repo");
        assertThat(st.get("branchPublished").asBoolean()).isTrue();
        assertThat(st.get("upstream").asString()).isEqualTo("origin/main");

        ok(tb("POST", id, "/git/clone", "{\"url\":\"/srv/origin.git\",\"path\":\"/root/clone\",\"branch\":\"main\"}"));
        assertThat(sh(id, "cat /root/clone/f.txt")).isEqualTo("base");
        daemonError(tb("POST", id, "/git/clone", "{\"url\":\"/srv/origin.git\",\"path\":\"/root/c2\",\"branch\":\"nope\"}"),
                404, "GIT_BRANCH_NOT_FOUND");
        daemonError(tb("POST", id, "/git/clone", "{\"url\":\"/srv/none.git\",\"path\":\"/root/c3\"}"), 404,
                "GIT_REPO_NOT_FOUND");

        // diverge: the clone pushes first, the repo's push is rejected and its pull conflicts
        sh(id, "cd /root/clone && printf theirs > f.txt && git commit -qam theirs && git push -q origin main");
        sh(id, "cd /root/repo && printf ours > f.txt && git commit -qam ours");
        assertThat(status(id, "repo").get("ahead").asInt()).isEqualTo(1);
        daemonError(tb("POST", id, "/git/push", "{\"path\":\"repo\"}"), 409, "GIT_PUSH_REJECTED");
        daemonError(tb("POST", id, "/git/pull", "{\"path\":\"repo\"}"), 409, "GIT_MERGE_CONFLICT");
        JsonNode conflict = status(id, "repo").get("fileStatus").get(0);
        assertThat(conflict.get("staging").asString()).isEqualTo("Updated but unmerged");

        sh(id, "cd /root/clone && printf more > g.txt && git add g.txt && git commit -qm more && git push -q");
        ok(tb("POST", id, "/git/pull", "{\"path\":\"/root/clone\"}"));
    }

    @Test
    void remotesAddOverwriteListAndHistory() throws Exception {
        String id = sandbox(DEFAULT);
        sh(id, "git init -q --bare /srv/o.git && git init -q -b main /root/r && git init -q /root/empty && cd /root/r "
                + "&& printf 1 > a && git add a && git -c user.name='Ada L' -c user.email=ada@x.test commit -qm first "
                + "&& printf 2 > a && git -c user.name=Bob -c user.email=bob@x.test commit -qam 'second; $(touch /tmp/pwned)' "
                + "-m 'body line' && git push -q /srv/o.git main");
        assertThat(ok(tb("GET", id, "/git/remotes?path=r", null)).get("remotes")).isEmpty();

        ok(tb("POST", id, "/git/remotes", "{\"path\":\"r\",\"name\":\"origin\",\"url\":\"/srv/nope.git\"}"));
        daemonError(tb("POST", id, "/git/remotes", "{\"path\":\"r\",\"name\":\"origin\",\"url\":\"/srv/o.git\"}"),
                409, "CONFLICT");
        ok(tb("POST", id, "/git/remotes",
                "{\"path\":\"r\",\"name\":\"origin\",\"url\":\"/srv/o.git\",\"overwrite\":true,\"fetch\":true}"));
        ok(tb("POST", id, "/git/remotes", "{\"path\":\"/root/r\",\"name\":\"mirror\",\"url\":\"file:///srv/o.git\"}"));
        daemonError(tb("POST", id, "/git/remotes", "{\"path\":\"r\",\"name\":\"dead\",\"url\":\"/srv/none.git\","
                + "\"fetch\":true}"), 404, "GIT_REPO_NOT_FOUND");
        daemonError(tb("POST", id, "/git/remotes", "{\"path\":\"r\",\"name\":\"-x\",\"url\":\"/srv/o.git\"}"),
                400, "BAD_REQUEST");
        daemonError(tb("POST", id, "/git/remotes", "{\"path\":\"r\",\"name\":\"x\",\"url\":\"--upload-pack=touch /tmp/pwned\"}"),
                400, "BAD_REQUEST");
        daemonError(tb("POST", id, "/git/remotes", "{\"path\":\"r\",\"name\":\"x\"}"), 400, "BAD_REQUEST");
        daemonError(tb("GET", id, "/git/remotes?path=" + q("/tmp"), null), 404, "GIT_REPO_NOT_FOUND");

        JsonNode remotes = ok(tb("GET", id, "/git/remotes?path=r", null)).get("remotes");
        List<String> listed = new ArrayList<>();
        remotes.forEach(r -> listed.add(r.get("name").asString() + "=" + r.get("url").asString()));
        assertThat(listed).containsExactly("dead=/srv/none.git", "mirror=file:///srv/o.git", "origin=/srv/o.git");
        assertThat(sh(id, "git -C /root/r rev-parse origin/main")).isEqualTo(sh(id, "git -C /root/r rev-parse main"));

        JsonNode history = ok(tb("GET", id, "/git/history?path=r", null));
        assertThat(history).hasSize(2);
        assertThat(history.get(0).get("hash").asString()).isEqualTo(sh(id, "git -C /root/r rev-parse HEAD").strip());
        assertThat(history.get(0).get("author").asString()).isEqualTo("Bob");
        assertThat(history.get(0).get("email").asString()).isEqualTo("bob@x.test");
        assertThat(history.get(0).get("message").asString()).isEqualTo("second; $(touch /tmp/pwned)\n\nbody line");
        assertThat(history.get(0).get("timestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*");
        assertThat(history.get(1).get("author").asString()).isEqualTo("Ada L");
        assertThat(history.get(1).get("message").asString()).isEqualTo("first");
        assertThat(ok(tb("GET", id, "/git/history?path=empty", null))).isEmpty();
        daemonError(tb("GET", id, "/git/history?path=" + q("/tmp"), null), 404, "GIT_REPO_NOT_FOUND");
        assertThat(sh(id, "ls /tmp")).doesNotContain("pwned");
    }

    @Test
    void credentialsReachGitThroughAskpassOnly() throws Exception {
        String id = sandbox(DEFAULT);
        String user = "alice";
        String password = "p@ss w'rd \"$HOME\"";
        String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        String server = """
                import http.server, functools
                class H(http.server.SimpleHTTPRequestHandler):
                    def do_GET(self):
                        if self.headers.get('Authorization') != %s:
                            self.send_response(401)
                            self.send_header('WWW-Authenticate', 'Basic realm="git"')
                            self.send_header('Content-Length', '0')
                            self.end_headers()
                            return
                        super().do_GET()
                    def log_message(self, *a):
                        pass
                http.server.ThreadingHTTPServer(('127.0.0.1', 8418), functools.partial(H, directory='/srv')).serve_forever()
                """.formatted(pyString(expected));
        agent(id).write("/srv/auth.py", new ByteArrayInputStream(server.getBytes(StandardCharsets.UTF_8)), 0644, true, null, null);
        sh(id, "git init -q --bare -b main /srv/r.git && git init -q -b main /tmp/w && cd /tmp/w && printf x > x.txt && git add . "
                + "&& git -c user.name=a -c user.email=a@b commit -qm x && git push -q /srv/r.git main "
                + "&& git -C /srv/r.git update-server-info && (python3 /srv/auth.py >/dev/null 2>&1 &)");
        Awaitility.await("git http server").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> agent(id).exec(ExecRequest.of("curl", "-s", "-o", "/dev/null", "http://127.0.0.1:8418/"),
                        Duration.ofSeconds(5)).exitCode() == 0);

        String url = "http://127.0.0.1:8418/r.git";
        daemonError(tb("POST", id, "/git/clone", "{\"url\":\"" + url + "\",\"path\":\"/root/anon\"}"), 401, "GIT_AUTH_FAILED");
        daemonError(tb("POST", id, "/git/clone", "{\"url\":\"" + url + "\",\"path\":\"/root/bad\",\"username\":\"alice\","
                + "\"password\":\"wrong\"}"), 401, "GIT_AUTH_FAILED");
        String body = JSON.writeValueAsString(new java.util.LinkedHashMap<>(java.util.Map.of(
                "url", url, "path", "/root/ok", "username", user, "password", password)));
        ok(tb("POST", id, "/git/clone", body));
        assertThat(sh(id, "cat /root/ok/x.txt")).isEqualTo("x");
        assertThat(sh(id, "cat /root/ok/.git/config")).doesNotContain("p@ss").doesNotContain("alice");
        assertThat(sh(id, "ls -a /tmp")).doesNotContain("berth-askpass");
    }

    private static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }
}
