package dev.berth.server.toolbox.files;

import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.ExecRequest;
import dev.berth.runner.agent.ExecResult;
import dev.berth.server.toolbox.ToolboxError;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Content and name search with the sandbox's own {@code grep} and {@code find} (busybox has both), run as the
 * sandbox user with argv arrays: the pattern is always one argument, never shell text. Like Daytona's daemon,
 * content search is literal and does not follow symlinks.
 */
final class FileSearch {

    static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern GREP_LINE = Pattern.compile("(.+?):(\\d+):(.*)");

    public record Match(String file, int line, String content) {
    }

    private FileSearch() {
    }

    static List<Match> grep(Target t, SandboxUser user, String dir, String pattern) throws AgentException {
        ExecResult r = run(t, user, ExecRequest.of("grep", "-rnHsF", "-e", pattern, dir));
        List<Match> out = new ArrayList<>();
        for (String line : r.stdoutText().split("\n")) {
            Matcher m = GREP_LINE.matcher(line);
            if (m.matches()) {
                out.add(new Match(m.group(1), Integer.parseInt(m.group(2)), m.group(3)));
            }
        }
        // exit 2 also means "some files could not be read" (devices, /proc, permissions): what matched is still the
        // answer; only a grep that found nothing and failed is reported, as the sandbox's problem, not the server's
        if (r.exitCode() > 1 && out.isEmpty()) {
            throw new ToolboxException(ToolboxError.UNPROCESSABLE_ENTITY, "grep in the sandbox failed (exit " + r.exitCode()
                    + ")" + (r.stderrText().isBlank() ? "" : ": " + r.stderrText().strip()));
        }
        return out;
    }

    /** Paths under {@code dir} (itself included) whose name matches the glob. */
    static List<String> find(Target t, SandboxUser user, String dir, String glob) throws AgentException {
        ExecResult r = run(t, user, ExecRequest.of("find", dir, "-name", glob, "-print0"));
        List<String> out = new ArrayList<>();
        for (String p : r.stdoutText().split("\0")) {
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }

    private static ExecResult run(Target t, SandboxUser user, ExecRequest req) throws AgentException {
        try {
            ExecResult r = t.agent().exec(req.withUser(user.name()).withTimeout(TIMEOUT), TIMEOUT);
            if (r.timedOut()) {
                throw new ToolboxException(ToolboxError.REQUEST_TIMEOUT, req.argv().get(0) + " took longer than " + TIMEOUT);
            }
            return r;
        } catch (AgentException e) {
            if (e.code() == dev.berth.runner.agent.AgentErrorCode.EXEC_FAILED) {
                throw new ToolboxException(ToolboxError.UNPROCESSABLE_ENTITY, "this sandbox's image has no usable '"
                        + req.argv().get(0) + "' (" + e.getMessage() + "); file search needs grep and find");
            }
            throw e;
        }
    }
}
