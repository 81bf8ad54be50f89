package dev.berth.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.error.ErrorCode;
import dev.berth.server.api.Problems;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditErrorCaptureTest {

    @Test
    void takesTheDetailOfProblems() {
        assertThat(AuditErrorCapture.detail(Problems.of(ErrorCode.NOT_FOUND, "sandbox 'x' not found", "r1")))
                .isEqualTo("sandbox 'x' not found");
    }

    @Test
    void takesTheMessageOfDaemonErrors() {
        assertThat(AuditErrorCapture.detail(Map.of("statusCode", 404, "message", "file not found", "code", "FILE_NOT_FOUND")))
                .isEqualTo("file not found");
    }

    @Test
    void ignoresSuccessfulBodies() {
        assertThat(AuditErrorCapture.detail(Map.of("status", "started", "message", "hello"))).isNull();
        assertThat(AuditErrorCapture.detail(Map.of("statusCode", 200, "message", "ok"))).isNull();
        assertThat(AuditErrorCapture.detail("plain")).isNull();
    }

    @Test
    void auditsMutationsAndAllToolboxCalls() {
        assertThat(AuditInterceptor.audited("POST", "/api/sandbox")).isTrue();
        assertThat(AuditInterceptor.audited("DELETE", "/api/sandbox/x")).isTrue();
        assertThat(AuditInterceptor.audited("GET", "/api/sandbox/x")).isFalse();
        assertThat(AuditInterceptor.audited("GET", "/api/toolbox/x/files")).isTrue();
        assertThat(AuditInterceptor.audited("OPTIONS", "/api/toolbox/x/files")).isFalse();
        assertThat(AuditInterceptor.audited("POST", "/other")).isFalse();
    }

    @Test
    void targetIsTheFirstPathVariableOrWildcard() {
        assertThat(AuditInterceptor.firstVariable("/api/sandbox/{idOrName}/stop", "/api/sandbox/box/stop",
                Map.of("idOrName", "box"))).isEqualTo("box");
        assertThat(AuditInterceptor.firstVariable("/api/toolbox/*/process/pty/*/connect",
                "/api/toolbox/sb1/process/pty/p1/connect", Map.of())).isEqualTo("sb1");
        assertThat(AuditInterceptor.firstVariable("/api/sandbox", "/api/sandbox", Map.of())).isNull();
    }
}
