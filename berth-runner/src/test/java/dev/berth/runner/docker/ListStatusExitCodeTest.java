package dev.berth.runner.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The exit code a container list reports in its status text, which heartbeats carry to the control plane. */
class ListStatusExitCodeTest {

    @Test
    void readsTheCodeOfExitedContainers() {
        assertThat(DockerContainerEngine.exitCodeOf("Exited (137) 3 seconds ago")).isEqualTo(137);
        assertThat(DockerContainerEngine.exitCodeOf("Exited (0) About a minute ago")).isZero();
        assertThat(DockerContainerEngine.exitCodeOf("Exited (-1) 2 hours ago")).isEqualTo(-1);
    }

    @Test
    void otherStatesHaveNone() {
        assertThat(DockerContainerEngine.exitCodeOf("Up 5 seconds")).isNull();
        assertThat(DockerContainerEngine.exitCodeOf("Created")).isNull();
        assertThat(DockerContainerEngine.exitCodeOf("")).isNull();
        assertThat(DockerContainerEngine.exitCodeOf(null)).isNull();
        assertThat(DockerContainerEngine.exitCodeOf("Restarting (1) 2 seconds ago")).isNull();
    }
}
