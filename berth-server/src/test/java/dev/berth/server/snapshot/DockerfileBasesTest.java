package dev.berth.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.UnprocessableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Dockerfile check reads the file as the builder does; whatever would make them disagree is refused. */
class DockerfileBasesTest {

    private static final Map<String, String> VISIBLE = Map.of("berth/default", "berth/default:latest",
            "mine", "berth-snapshot/m1:latest");

    private static String rewrite(String dockerfile) {
        return DockerfileBases.rewrite(dockerfile, VISIBLE::get, new ArrayList<>());
    }

    private static void refused(String dockerfile, String fragment) {
        assertThatThrownBy(() -> rewrite(dockerfile)).isInstanceOf(UnprocessableException.class)
                .hasMessageContaining(fragment);
    }

    @Test
    void visibleSnapshotsAndStagesAreRewrittenAndContinuationsJoined() {
        List<String> bases = new ArrayList<>();
        String out = DockerfileBases.rewrite("FROM mine AS build\nRUN echo a \\\n  # a comment\n  && echo b\n"
                + "FROM berth/default\nCOPY --from=build /x /x\n", VISIBLE::get, bases);
        assertThat(out).isEqualTo("FROM berth-snapshot/m1:latest AS build\nRUN echo a   && echo b\n"
                + "FROM berth/default:latest\nCOPY --from=build /x /x\n\n");
        assertThat(bases).containsExactly("mine", "berth/default");
    }

    @Test
    void whatTheBuilderWouldReadDifferentlyIsRefused() {
        // an instruction split over a continuation is read whole
        refused("FROM berth/default\nFR\\\nOM berth-snapshot/victim:latest\n", "no active snapshot named");
        refused("FROM berth/default\nCOPY \\\n --from=berth-snapshot/victim:latest / /loot\n", "COPY --from");
        refused("FROM berth/default\nCOPY --from=berth-snapshot/victim:latest / /loot\r\n", "carriage return");
        refused("\u00a0FROM berth/default\n", "non-ASCII white space");
        refused("\ufeffFROM berth/default\n", "byte-order mark");
        refused("# escape=`\nFROM berth/default\n", "parser directives");
        refused("# syntax=docker/dockerfile:1\nFROM berth/default\n", "parser directives");
        refused("FROM berth/default\nONBUILD COPY --from=x / /\n", "ONBUILD");
        refused("FROM berth/default\nADD http://169.254.169.254/latest/meta-data /creds\n", "ADD from a URL");
        refused("FROM berth/default\nadd [\"https://example.com/x\", \"/x\"]\n", "ADD from a URL");
        refused("FROM berth/default\nADD git@github.com:a/b.git /b\n", "ADD from a URL");
        refused("FROM --platform=linux/arm64 berth/default\n", "flags");
        refused("FROM berth/default\nRUN --mount=type=bind,from=x,target=/x true\n", "--mount");
        refused("ARG B=berth/default\nFROM $B\n", "variables");
        refused("FROM 3f\n", "no active snapshot named");
        refused("RUN true\n", "must start with FROM");
    }
}
