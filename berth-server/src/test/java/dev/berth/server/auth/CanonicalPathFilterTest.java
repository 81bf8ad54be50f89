package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalPathFilterTest {

    @ParameterizedTest
    @ValueSource(strings = {"/api/toolbox;a/x/process/pty/create-connect", "/api/%74oolbox/x", "/api/toolbox/x%2Fy",
        "/api//toolbox/x", "/api/./toolbox/x", "/api/toolbox/../sandbox", "/api/toolbox/x/..", "/api/x%2", "/api/x%zz",
        "/api/a%5cb", "/api\\toolbox", "/api/%25", "/api/x%2E", "api/x", ""})
    void refuses(String raw) {
        assertThat(CanonicalPathFilter.problem(raw)).as(raw).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/toolbox/x/process/pty/create-connect", "/api/sandbox/my-box.v2_x~y", "/",
        "/api/snapshots/berth%3Abusybox", "/api/sandbox/a%20b", "/api/toolbox/x/files/"})
    void accepts(String raw) {
        assertThat(CanonicalPathFilter.problem(raw)).as(raw).isEmpty();
    }
}
