package dev.berth.server.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.InvalidRequestException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunnerImagesTest {

    @Test
    void aBareRepositoryMeansItsLatestTagAndExplicitTagsOrDigestsAreKept() {
        assertThat(RunnerImages.normalize("berth/busybox")).isEqualTo("berth/busybox:latest");
        assertThat(RunnerImages.normalize("registry:5000/berth/python")).isEqualTo("registry:5000/berth/python:latest");
        assertThat(RunnerImages.normalize("registry:5000/berth/python:3.12")).isEqualTo("registry:5000/berth/python:3.12");
        assertThat(RunnerImages.normalize("berth/x@sha256:ab")).isEqualTo("berth/x@sha256:ab");
    }

    @Test
    void aReportRoundTripsSortedAndNormalized() {
        String column = RunnerImages.column(List.of("b/y:1", "a/x", "a/x:latest"));
        assertThat(column).isEqualTo("a/x:latest\nb/y:1");
        assertThat(RunnerImages.parse(column)).containsExactlyInAnyOrder("a/x:latest", "b/y:1");
        assertThat(RunnerImages.parse(null)).isEmpty();
        assertThat(RunnerImages.parse(RunnerImages.column(List.of()))).isEmpty();
    }

    @Test
    void boundsAreExactAndBadEntriesAreNamed() {
        assertThat(RunnerImages.column(Collections.nCopies(RunnerImages.MAX_IMAGES, "a/x:1"))).isEqualTo("a/x:1");
        assertThatThrownBy(() -> RunnerImages.column(Collections.nCopies(RunnerImages.MAX_IMAGES + 1, "a/x:1")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("images");
        String longest = "a/" + "x".repeat(RunnerImages.MAX_REF_LENGTH - 4) + ":1";
        assertThat(RunnerImages.column(List.of(longest))).isEqualTo(longest);
        assertThatThrownBy(() -> RunnerImages.column(List.of("a" + longest)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not an image reference");
        assertThatThrownBy(() -> RunnerImages.column(List.of("a/x:1\nb/y:2")))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> RunnerImages.column(Arrays.asList("a/x", null)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("null");
    }
}
