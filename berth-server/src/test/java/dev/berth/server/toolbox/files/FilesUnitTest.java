package dev.berth.server.toolbox.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runner.agent.FileInfo;
import dev.berth.runner.agent.FileType;
import dev.berth.server.toolbox.ToolboxException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Pure pieces of the files toolbox: Go-style mode/time strings, literal replacement, path resolution. */
class FilesUnitTest {

    private static FileInfo info(FileType type, int mode) {
        return new FileInfo("n", type, mode, mode, 0, 0, 0, "", "", Instant.EPOCH, 1, "");
    }

    @Test
    void goModeStrings() {
        assertThat(GoFileMode.modeString(info(FileType.FILE, 0644))).isEqualTo("-rw-r--r--");
        assertThat(GoFileMode.modeString(info(FileType.DIRECTORY, 0755))).isEqualTo("drwxr-xr-x");
        assertThat(GoFileMode.modeString(info(FileType.SYMLINK, 0777))).isEqualTo("Lrwxrwxrwx");
        assertThat(GoFileMode.modeString(info(FileType.FILE, 04755))).isEqualTo("urwxr-xr-x");
        assertThat(GoFileMode.modeString(info(FileType.DIRECTORY, 01777))).isEqualTo("dtrwxrwxrwx");
        assertThat(GoFileMode.modeString(info(FileType.CHAR_DEVICE, 0666))).isEqualTo("Dcrw-rw-rw-");
        assertThat(GoFileMode.timeString(Instant.parse("2024-05-01T10:20:30.500Z")))
                .isEqualTo("2024-05-01 10:20:30.5 +0000 UTC");
        assertThat(GoFileMode.timeString(Instant.parse("2024-05-01T10:20:30Z"))).isEqualTo("2024-05-01 10:20:30 +0000 UTC");
    }

    private static String replace(String in, String pattern, String value) throws Exception {
        try (var s = new ReplacingInputStream(new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)),
                pattern.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8))) {
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void literalReplacementLikeGoReplaceAll() throws Exception {
        assertThat(replace("aaab", "aab", "X")).isEqualTo("aX");
        assertThat(replace("aaaa", "aa", "b")).isEqualTo("bb");
        assertThat(replace("a.b.c", ".", "$1\\")).isEqualTo("a$1\\b$1\\c");
        assertThat(replace("no match", "zz", "y")).isEqualTo("no match");
        assertThat(replace("tail ab", "abc", "y")).isEqualTo("tail ab");
        assertThat(replace("x", "x", "")).isEmpty();
        assertThat(replace("", "x", "y")).isEmpty();
        assertThat(replace("héllo wörld", "ö", "o")).isEqualTo("héllo world");
    }

    @Test
    void pathsResolveUnderTheHome() {
        SandboxUser root = SandboxUser.fromPasswd("root", "root:x:0:0:root:/root:/bin/sh\n");
        assertThat(root.resolve("a/b")).isEqualTo("/root/a/b");
        assertThat(root.resolve("/etc/x")).isEqualTo("/etc/x");
        assertThat(root.resolve("~/x")).isEqualTo("/root/x");
        assertThat(root.ownerForNewFiles()).isNull();
        SandboxUser dev = SandboxUser.fromPasswd("dev", "root:x:0:0::/root:/bin/sh\ndev:x:1000:1000::/work/dev:/bin/sh");
        assertThat(dev.home()).isEqualTo("/work/dev");
        assertThat(dev.ownerForNewFiles()).isEqualTo("dev");
        assertThat(SandboxUser.fromPasswd("ghost", null).home()).isEqualTo("/home/ghost");
        assertThatThrownBy(() -> root.resolve("")).isInstanceOf(ToolboxException.class);
        assertThatThrownBy(() -> root.resolve("a\0b")).isInstanceOf(ToolboxException.class);
        assertThat(FileModes.parse("755")).isEqualTo(0755);
        assertThat(FileModes.parse("0644")).isEqualTo(0644);
        assertThatThrownBy(() -> FileModes.parse("rwx")).isInstanceOf(ToolboxException.class);
    }

    @Test
    void multipartFilenamesAreQuoted() {
        assertThat(MultipartResponseWriter.quote("/a \"b\"\\c\nd")).isEqualTo("/a \\\"b\\\"\\\\c%0Ad");
    }
}
