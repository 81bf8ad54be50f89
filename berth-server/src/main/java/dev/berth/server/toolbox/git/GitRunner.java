package dev.berth.server.toolbox.git;

import dev.berth.runner.agent.AgentErrorCode;
import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.ExecRequest;
import dev.berth.runner.agent.ExecResult;
import dev.berth.runner.agent.SandboxAgent;
import dev.berth.server.limits.LongOperations;
import dev.berth.server.toolbox.AgentErrors;
import dev.berth.server.toolbox.ToolboxError;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import dev.berth.server.toolbox.files.SandboxUser;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs the sandbox's own {@code git} through the agent as the sandbox user, with an argv array (no shell).
 * Messages are forced to English (LC_ALL=C) so failures can be classified; prompts are disabled.
 */
final class GitRunner {

    static final Duration LOCAL = Duration.ofMinutes(2);
    static final Duration NETWORK = Duration.ofMinutes(30);

    /** Answers git's "Username for ..."/"Password for ..." prompts from the environment; holds no secret. */
    static final String ASKPASS = """
            #!/bin/sh
            case "$1" in
              [Uu]sername*) printf '%s\\n' "$BERTH_GIT_USERNAME" ;;
              *) printf '%s\\n' "$BERTH_GIT_PASSWORD" ;;
            esac
            """;

    /** What one git call may buffer: stdout and stderr, each up to the agent client's cap. */
    static final long OUTPUT_RESERVATION = 2L * SandboxAgent.DEFAULT_MAX_OUTPUT;

    private final Target target;
    private final SandboxUser user;
    private final java.util.function.Supplier<LongOperations.Permit> permit;

    /** {@code permit} takes a long-operation slot and output reservation for each git call (issue 9). */
    GitRunner(Target target, SandboxUser user, java.util.function.Supplier<LongOperations.Permit> permit) {
        this.target = target;
        this.user = user;
        this.permit = permit;
    }

    String run(String operation, Duration timeout, List<String> args) {
        return run(operation, timeout, null, args);
    }

    /** Runs {@code git args...}; returns stdout, or throws the classified GIT_* error. */
    String run(String operation, Duration timeout, GitCredentials credentials, List<String> args) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LC_ALL", "C");
        env.put("GIT_TERMINAL_PROMPT", "0");
        String askpass = null;
        try (var slot = permit.get()) {
            if (credentials != null) {
                askpass = "/tmp/.berth-askpass-" + UUID.randomUUID();
                target.agent().write(askpass, new ByteArrayInputStream(ASKPASS.getBytes(StandardCharsets.UTF_8)), 0700,
                        false, user.ownerForNewFiles(), null);
                env.put("GIT_ASKPASS", askpass);
                env.put("BERTH_GIT_USERNAME", credentials.username());
                env.put("BERTH_GIT_PASSWORD", credentials.password());
            }
            List<String> argv = new ArrayList<>();
            argv.add("git");
            argv.addAll(args);
            ExecRequest req = new ExecRequest(argv, null, env, false, user.name(), false, 0, 0, timeout);
            ExecResult r = target.agent().exec(req, timeout);
            if (r.timedOut()) {
                throw new ToolboxException(ToolboxError.REQUEST_TIMEOUT, "git " + operation + " took longer than " + timeout);
            }
            if (r.exitCode() != 0) {
                throw GitErrors.classify(operation, r.stderrText() + "\n" + r.stdoutText());
            }
            return r.stdoutText();
        } catch (AgentException e) {
            if (e.code() == AgentErrorCode.EXEC_FAILED) {
                throw new ToolboxException(ToolboxError.UNPROCESSABLE_ENTITY, "git is not available in this sandbox ("
                        + e.getMessage() + "); use an image with git installed, e.g. the berth/default snapshot");
            }
            throw AgentErrors.translate(e);
        } finally {
            if (askpass != null) {
                try {
                    target.agent().delete(askpass, false);
                } catch (AgentException e) {
                    // best effort: the script holds no secret
                }
            }
        }
    }
}
