package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.ExitStatus;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import tools.jackson.databind.json.JsonMapper;

/** The control frames of Daytona's PTY WebSocket (§5.3 of the contract). */
final class PtyFrames {

    static final String CONNECTED = "{\"type\":\"control\",\"status\":\"connected\"}";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PtyFrames() {
    }

    static String exitReason(ExitStatus s) {
        if (s.signal() != 0) {
            return "terminated by signal " + s.signal();
        }
        return s.exitCode() == 0 ? null : "exit status " + s.exitCode();
    }

    /** Sends the exit control frame and closes normally with the exit as a JSON reason. */
    static void exited(WebSocketSession ws, ExitStatus s) {
        Map<String, Object> exit = new LinkedHashMap<>();
        exit.put("exitCode", s.exitCode());
        String reason = exitReason(s);
        if (reason != null) {
            exit.put("exitReason", reason);
        }
        Map<String, Object> control = new LinkedHashMap<>();
        control.put("type", "control");
        control.put("status", "exited");
        control.putAll(exit);
        try {
            ws.sendMessage(new TextMessage(JSON.writeValueAsString(control)));
        } catch (IOException | RuntimeException e) {
            // the client is gone; closing below is all that is left
        }
        closeQuietly(ws, CloseStatus.NORMAL.withReason(JSON.writeValueAsString(exit)));
    }

    /** Sends an error control frame and closes with the error as a JSON reason. */
    static void fail(WebSocketSession ws, String error) {
        try {
            ws.sendMessage(new TextMessage(JSON.writeValueAsString(
                    Map.of("type", "control", "status", "error", "error", error))));
        } catch (IOException | RuntimeException e) {
            // ignore: closing anyway
        }
        String reason = JSON.writeValueAsString(Map.of("error", error));
        closeQuietly(ws, new CloseStatus(1011, reason.length() > 120 ? "{\"error\":\"PTY error\"}" : reason));
    }

    static void closeQuietly(WebSocketSession ws, CloseStatus status) {
        try {
            ws.close(status);
        } catch (IOException | RuntimeException e) {
            // already closed
        }
    }
}
