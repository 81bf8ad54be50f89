package dev.berth.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner writes the agent's token into a directory the sandbox can write: whatever the sandbox planted there
 * is replaced, and nothing outside the directory is written, read or chowned through it.
 */
class AgentTokenFileTest {

    private static final String ID = "00000000-0000-0000-0000-000000000001";

    @TempDir
    Path tmp;

    @Test
    void aPlantedSymlinkIsReplacedAndItsTargetUntouched() throws Exception {
        var dirs = new SandboxDirectories(tmp.resolve("sandboxes"), 0);
        Path run = dirs.prepare(ID);
        Path victim = Files.writeString(tmp.resolve("host-file"), "host data");
        Files.createSymbolicLink(run.resolve(SandboxRunner.AGENT_TOKEN), victim);

        dirs.writeToken(ID, "t0ken");

        Path token = run.resolve(SandboxRunner.AGENT_TOKEN);
        assertThat(Files.isSymbolicLink(token)).isFalse();
        assertThat(Files.readString(token)).isEqualTo("t0ken");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("r--------");
        assertThat(Files.readString(victim)).isEqualTo("host data");
    }

    @Test
    void aPlantedDirectoryIsReplacedWithoutFollowingLinksInside() throws Exception {
        var dirs = new SandboxDirectories(tmp.resolve("sandboxes"), 0);
        Path run = dirs.prepare(ID);
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "keep");
        Path planted = Files.createDirectories(run.resolve(SandboxRunner.AGENT_TOKEN));
        Files.createSymbolicLink(planted.resolve("link"), outside);

        dirs.writeToken(ID, "t0ken");

        assertThat(Files.readString(run.resolve(SandboxRunner.AGENT_TOKEN))).isEqualTo("t0ken");
        assertThat(outside.resolve("keep")).hasContent("keep");
    }

    @Test
    void tokensDifferPerSandboxAndSurviveANewRunnerOnTheSameDataDirectory() {
        var first = new AgentTokens(tmp);
        String a = first.of(ID);
        assertThat(a).hasSize(64).isNotEqualTo(first.of("00000000-0000-0000-0000-000000000002"));
        assertThat(new AgentTokens(tmp).of(ID)).isEqualTo(a);
        assertThat(new AgentTokens(tmp.resolve("other")).of(ID)).isNotEqualTo(a);
        assertThat(PosixFilePermissions.toString(keyPermissions())).isEqualTo("rw-------");
    }

    private java.util.Set<java.nio.file.attribute.PosixFilePermission> keyPermissions() {
        try {
            return Files.getPosixFilePermissions(tmp.resolve(AgentTokens.KEY_FILE));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
