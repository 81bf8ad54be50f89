package dev.berth.server.toolbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class ToolboxErrorTest {

    // the daemon's generic codes and the one status each stands for
    private static final Map<String, Integer> GENERIC = Map.of("BAD_REQUEST", 400, "UNAUTHORIZED", 401,
            "FORBIDDEN", 403, "NOT_FOUND", 404, "CONFLICT", 409, "REQUEST_TIMEOUT", 408, "GONE", 410,
            "UNPROCESSABLE_ENTITY", 422);

    @Test
    void everyErrorIsAnErrorStatusAndAGenericCodeAlwaysMeansItsOwnStatus() {
        for (ToolboxError e : ToolboxError.values()) {
            assertThat(e.status()).as(e.name()).isBetween(400, 599);
            assertThat(e.code()).as(e.name()).matches("[A-Z][A-Z_]+");
            if (GENERIC.containsKey(e.code())) {
                assertThat(e.status()).as(e + " answers the generic code " + e.code()).isEqualTo(GENERIC.get(e.code()));
            }
        }
        assertThat(ToolboxError.QUOTA_EXCEEDED.status()).isEqualTo(429);
        assertThat(ToolboxError.AGENT_UNAVAILABLE.status()).isEqualTo(503);
    }

    @Test
    void theHandlerRendersStatusAndCodeFromTheErrorAlone() {
        var req = new MockHttpServletRequest("POST", "/api/toolbox/s1/process/session");
        var r = ToolboxProblemHandler.respond(new ToolboxException(ToolboxError.QUOTA_EXCEEDED, "16 sessions"), req);
        assertThat(r.getStatusCode().value()).isEqualTo(429);
        assertThat(r.getBody()).containsEntry("statusCode", 429).containsEntry("code", "QUOTA_EXCEEDED")
                .containsEntry("source", "DAYTONA_DAEMON").containsEntry("message", "16 sessions")
                .containsEntry("path", "/api/toolbox/s1/process/session").containsEntry("status", 429);

        var down = ToolboxProblemHandler.respond(new ToolboxException(ToolboxError.AGENT_UNAVAILABLE, "away"), req);
        assertThat(down.getStatusCode().value()).isEqualTo(503);
        assertThat(down.getBody()).containsEntry("code", "INTERNAL_SERVER_ERROR");
    }

    @Test
    void aRunnerAwayBeforeItIsJudgedUnresponsiveAnswersLikeOneJudgedSo() {
        var req = new MockHttpServletRequest("POST", "/api/toolbox/s1/process/execute");
        var away = new dev.berth.runner.agent.AgentException(dev.berth.runner.agent.AgentErrorCode.RUNNER_UNREACHABLE, 0,
                "runner eu-1 does not answer on its tunnel 127.0.0.1:4000 (Connection refused)");
        var r = ToolboxProblemHandler.respond(AgentErrors.translate(away), req);
        assertThat(r.getStatusCode().value()).isEqualTo(503);
        assertThat(r.getBody()).containsEntry("code", "RUNNER_UNAVAILABLE")
                .containsEntry("message", "runner eu-1 does not answer on its tunnel 127.0.0.1:4000 (Connection refused)");
    }
}
