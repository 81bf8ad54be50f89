package dev.berth.server.toolbox.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.toolbox.ToolboxIT;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** File-system metadata, search and replace endpoints against a busybox sandbox. */
class FilesIT extends ToolboxIT {

    @Test
    void folderInfoListMovePermissionsDelete() throws Exception {
        String id = sandbox("berth/busybox");
        assertThat(ok(tb("GET", id, "/user-home-dir", null)).get("dir").asString()).isEqualTo("/root");
        assertThat(ok(tb("GET", id, "/work-dir", null)).get("dir").asString()).isEqualTo("/root");

        ok(tb("POST", id, "/files/folder?path=" + q("/tmp/w/sub") + "&mode=750", null));
        sh(id, "printf hello > /tmp/w/a.txt && printf x > /tmp/w/sub/b.txt && ln -s /etc /tmp/w/link");

        JsonNode dir = ok(tb("GET", id, "/files/info?path=" + q("/tmp/w/sub"), null));
        assertThat(dir.get("isDir").asBoolean()).isTrue();
        assertThat(dir.get("name").asString()).isEqualTo("sub");
        assertThat(dir.get("path").asString()).isEqualTo("/tmp/w/sub");
        assertThat(dir.get("mode").asString()).isEqualTo("drwxr-x---");
        assertThat(dir.get("permissions").asString()).isEqualTo("0750");
        assertThat(dir.get("owner").asString()).isEqualTo("root");
        assertThat(dir.get("modifiedAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(dir.get("modTime").asString()).endsWith(" +0000 UTC");

        JsonNode file = ok(tb("GET", id, "/files/info?path=" + q("/tmp/w/a.txt"), null));
        assertThat(file.get("size").asLong()).isEqualTo(5);
        assertThat(file.get("mode").asString()).isEqualTo("-rw-r--r--");
        assertThat(file.get("isDir").asBoolean()).isFalse();

        JsonNode list = ok(tb("GET", id, "/files?path=" + q("/tmp/w"), null));
        assertThat(names(list)).containsExactly("a.txt", "link", "sub");
        JsonNode link = list.get(1);
        assertThat(link.get("mode").asString()).startsWith("L");
        assertThat(link.get("isDir").asBoolean()).as("links are not followed").isFalse();
        JsonNode deep = ok(tb("GET", id, "/files?path=" + q("/tmp/w") + "&depth=2", null));
        assertThat(paths(deep)).containsExactly("/tmp/w/a.txt", "/tmp/w/link", "/tmp/w/sub", "/tmp/w/sub/b.txt");

        // relative paths are under the user's home
        ok(tb("POST", id, "/files/folder?path=rel&mode=755", null));
        assertThat(ok(tb("GET", id, "/files/info?path=rel", null)).get("path").asString()).isEqualTo("/root/rel");

        ok(tb("POST", id, "/files/move?source=" + q("/tmp/w/a.txt") + "&destination=" + q("/tmp/w/sub/c.txt"), null));
        assertThat(sh(id, "cat /tmp/w/sub/c.txt")).isEqualTo("hello");
        ok(tb("POST", id, "/files/permissions?path=" + q("/tmp/w/sub/c.txt") + "&mode=600&owner=nobody&group=nogroup",
                null));
        JsonNode moved = ok(tb("GET", id, "/files/info?path=" + q("/tmp/w/sub/c.txt"), null));
        assertThat(moved.get("permissions").asString()).isEqualTo("0600");
        assertThat(moved.get("owner").asString()).isEqualTo("nobody");

        daemonError(tb("DELETE", id, "/files?path=" + q("/tmp/w/sub"), null), 400, "BAD_REQUEST");
        ok(tb("DELETE", id, "/files?path=" + q("/tmp/w/sub") + "&recursive=true", null));
        ok(tb("DELETE", id, "/files?path=" + q("/tmp/w/link"), null));
        assertThat(sh(id, "ls /etc/passwd")).as("deleting a link keeps its target").contains("passwd");
        assertThat(names(ok(tb("GET", id, "/files?path=" + q("/tmp/w"), null)))).isEmpty();
    }

    @Test
    void missingFilesAreDaemonNotFoundErrors() {
        String id = sandbox("berth/busybox");
        daemonError(tb("GET", id, "/files/info?path=" + q("/nope"), null), 404, "FILE_NOT_FOUND");
        daemonError(tb("GET", id, "/files?path=" + q("/nope"), null), 404, "FILE_NOT_FOUND");
        daemonError(tb("DELETE", id, "/files?path=" + q("/nope"), null), 404, "FILE_NOT_FOUND");
        daemonError(tb("POST", id, "/files/move?source=" + q("/nope") + "&destination=" + q("/tmp/x"), null), 404,
                "FILE_NOT_FOUND");
        daemonError(tb("GET", id, "/files/find?path=" + q("/nope") + "&pattern=x", null), 404, "FILE_NOT_FOUND");
        daemonError(tb("POST", id, "/files/folder?path=" + q("/tmp/f") + "&mode=9z", null), 400, "BAD_REQUEST");
        daemonError(tb("GET", id, "/files?path=" + q("/") + "&depth=0", null), 400, "BAD_REQUEST");
        daemonError(tb("GET", "no-such-sandbox", "/files?path=" + q("/"), null), 404, "NOT_FOUND");
    }

    @Test
    void findSearchAndReplace() throws Exception {
        String id = sandbox("berth/busybox");
        sh(id, "mkdir -p /src/d && printf 'one TODO\\ntwo\\nthree TODO: $x [a]\\n' > /src/a.txt"
                + " && printf 'no\\n' > /src/d/b.md && printf 'TODO\\n' > /src/d/c.txt && ln -s / /src/root");

        JsonNode found = ok(tb("GET", id, "/files/find?path=" + q("/src") + "&pattern=" + q("TODO: $x [a]"), null));
        assertThat(found).hasSize(1);
        assertThat(found.get(0).get("file").asString()).isEqualTo("/src/a.txt");
        assertThat(found.get(0).get("line").asInt()).isEqualTo(3);
        assertThat(found.get(0).get("content").asString()).isEqualTo("three TODO: $x [a]");
        JsonNode todos = ok(tb("GET", id, "/files/find?path=" + q("/src") + "&pattern=TODO", null));
        assertThat(todos).as("symlinks are not followed (no hits under /src/root)").hasSize(3);
        assertThat(ok(tb("GET", id, "/files/find?path=" + q("/src") + "&pattern=" + q("-rf"), null))).isEmpty();

        JsonNode txt = ok(tb("GET", id, "/files/search?path=" + q("/src") + "&pattern=" + q("*.txt"), null));
        List<String> files = new ArrayList<>();
        txt.get("files").forEach(f -> files.add(f.asString()));
        assertThat(files).containsExactlyInAnyOrder("/src/a.txt", "/src/d/c.txt");

        JsonNode rep = ok(tb("POST", id, "/files/replace", "{\"files\":[\"/src/a.txt\",\"/src/missing\"],"
                + "\"pattern\":\"TODO: $x [a]\",\"newValue\":\"DONE & \\\\1\"}"));
        assertThat(rep.get(0).get("success").asBoolean()).isTrue();
        assertThat(rep.get(1).get("success").asBoolean()).isFalse();
        assertThat(rep.get(1).get("error").asString()).isNotEmpty();
        assertThat(sh(id, "cat /src/a.txt")).isEqualTo("one TODO\ntwo\nthree DONE & \\1\n");
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.get("name").asString()));
        return out;
    }

    private static List<String> paths(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.get("path").asString()));
        return out;
    }
}
