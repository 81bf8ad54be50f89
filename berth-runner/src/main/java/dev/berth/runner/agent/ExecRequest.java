package dev.berth.runner.agent;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A process to start inside the sandbox.
 *
 * @param argv       program and arguments; argv[0] is looked up in the PATH of the resulting environment
 * @param cwd        absolute working directory, or null to inherit the agent's (the container's WorkingDir)
 * @param env        variables to set
 * @param replaceEnv false: {@code env} is merged over the agent's environment (the container's env);
 *                   true: the process gets exactly {@code env} (plus a default PATH, and TERM for a PTY)
 * @param user       user name, uid, "user:group" or "uid:gid" resolved in the sandbox's /etc/passwd and
 *                   /etc/group; null = the agent's user (container root)
 * @param tty        allocate a pseudo-terminal (stdout and stderr are merged)
 * @param cols       PTY columns (0 = 80)
 * @param rows       PTY rows (0 = 24)
 * @param timeout    agent-side timeout after which the whole process group gets SIGKILL; null = none
 */
public record ExecRequest(List<String> argv, String cwd, Map<String, String> env, boolean replaceEnv, String user,
                          boolean tty, int cols, int rows, Duration timeout) {

    public ExecRequest {
        Objects.requireNonNull(argv, "argv");
        argv = List.copyOf(argv);
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new IllegalArgumentException("argv must not be empty");
        }
        if (cwd != null && !cwd.startsWith("/")) {
            throw new IllegalArgumentException("cwd must be absolute");
        }
        env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
        for (String k : env.keySet()) {
            if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("bad env key: " + k);
            }
        }
        if (cols < 0 || cols > 65535 || rows < 0 || rows > 65535) {
            throw new IllegalArgumentException("bad terminal size");
        }
        if (timeout != null && (timeout.isNegative() || timeout.toMillis() > 0xffffffffL)) {
            throw new IllegalArgumentException("bad timeout");
        }
    }

    public static ExecRequest of(String... argv) {
        return new ExecRequest(List.of(argv), null, Map.of(), false, null, false, 0, 0, null);
    }

    public static ExecRequest shell(String command) {
        return of("/bin/sh", "-c", command);
    }

    public ExecRequest withCwd(String dir) {
        return new ExecRequest(argv, dir, env, replaceEnv, user, tty, cols, rows, timeout);
    }

    public ExecRequest withEnv(Map<String, String> vars) {
        return new ExecRequest(argv, cwd, vars, replaceEnv, user, tty, cols, rows, timeout);
    }

    public ExecRequest withReplaceEnv(boolean replace) {
        return new ExecRequest(argv, cwd, env, replace, user, tty, cols, rows, timeout);
    }

    public ExecRequest withUser(String u) {
        return new ExecRequest(argv, cwd, env, replaceEnv, u, tty, cols, rows, timeout);
    }

    public ExecRequest withTty(int columns, int lines) {
        return new ExecRequest(argv, cwd, env, replaceEnv, user, true, columns, lines, timeout);
    }

    public ExecRequest withTimeout(Duration t) {
        return new ExecRequest(argv, cwd, env, replaceEnv, user, tty, cols, rows, t);
    }

    byte[] encode(Duration effectiveTimeout, boolean stdinClosed) {
        return encode(effectiveTimeout, stdinClosed, false);
    }

    byte[] encode(Duration effectiveTimeout, boolean stdinClosed, boolean detach) {
        Wire.Out o = new Wire.Out();
        int flags = (tty ? Wire.SPAWN_PTY : 0) | (replaceEnv ? Wire.SPAWN_ENV_REPLACE : 0)
                | (stdinClosed && !tty ? Wire.SPAWN_STDIN_CLOSED : 0) | (detach ? Wire.SPAWN_DETACH : 0);
        long ms = effectiveTimeout == null ? 0 : Math.max(1, Math.min(0xffffffffL, effectiveTimeout.toMillis()));
        o.u32(flags).u32(ms).u16(cols).u16(rows).str(cwd == null ? "" : cwd).str(user == null ? "" : user);
        o.u32(argv.size());
        for (String a : argv) {
            o.str(a);
        }
        o.u32(env.size());
        for (Map.Entry<String, String> e : env.entrySet()) {
            o.str(e.getKey() + "=" + e.getValue());
        }
        return o.toBytes();
    }
}
