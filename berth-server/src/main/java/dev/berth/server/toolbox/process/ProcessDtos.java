package dev.berth.server.toolbox.process;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** Request and response bodies of the process toolbox, named as Daytona's toolbox API names them. */
final class ProcessDtos {

    private ProcessDtos() {
    }

    record ExecuteRequest(String command, Integer timeout, String cwd, Map<String, String> envs) {
    }

    record ExecuteResponse(int exitCode, String result) {
    }

    record CodeRunRequest(String code, String language, List<String> argv, Map<String, String> envs,
                          Integer timeout) {
    }

    record CodeRunResponse(int exitCode, String result, Map<String, Object> artifacts) {
    }

    record CreateSessionRequest(String sessionId) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CommandDto(String id, String command, Integer exitCode) {
        static CommandDto of(AgentSessions.Command c) {
            return new CommandDto(c.id(), c.command(), c.exitCode());
        }
    }

    record SessionDto(String sessionId, List<CommandDto> commands) {
        static SessionDto of(AgentSessions.Session s) {
            return new SessionDto(s.id(), s.commands().stream().map(CommandDto::of).toList());
        }
    }

    record SessionExecuteRequest(String command, Boolean runAsync, Boolean async, Boolean suppressInputEcho) {
        boolean isAsync() {
            return Boolean.TRUE.equals(runAsync) || Boolean.TRUE.equals(async);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SessionExecuteResponse(String cmdId, String output, String stdout, String stderr, Integer exitCode) {
    }

    record LogsResponse(String output, String stdout, String stderr) {
    }

    record InputRequest(String data) {
    }

    record PtyList(List<PtyInfo> sessions) {
    }

    record ResizeRequest(Integer cols, Integer rows) {
    }
}
