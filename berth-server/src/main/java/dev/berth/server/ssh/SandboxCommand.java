package dev.berth.server.ssh;

import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.AgentProcess;
import dev.berth.runner.agent.ExecRequest;
import dev.berth.runner.agent.ExitStatus;
import dev.berth.runner.agent.ProcessListener;
import dev.berth.server.sandbox.ActivityTracker;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSH channel's program, run in the sandbox through its agent: a login shell, a command, or the sandbox's own
 * {@code sftp-server}. Output is written to the channel from the agent's reader thread (a client that does not read
 * holds the process back: the agent stops reading its pipes), input is pumped by one thread of the gateway's bounded
 * pool. Closing the channel disconnects from the agent, which kills the process group.
 */
final class SandboxCommand implements Command, ProcessListener {

    enum Kind {
        SHELL("shell"), EXEC("exec"), SFTP("sftp");

        final String auditName;

        Kind(String auditName) {
            this.auditName = auditName;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(SandboxCommand.class);
    private static final String HOME = "cd \"$HOME\" 2>/dev/null || cd /; ";
    private static final String SHELL = HOME + "if [ -x /bin/bash ]; then exec /bin/bash -l; fi; exec /bin/sh -l";
    private static final String EXEC = HOME + "if [ -x /bin/bash ]; then exec /bin/bash -c \"$1\"; fi; exec /bin/sh -c \"$1\"";
    static final List<String> SFTP_SERVERS = List.of("/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server",
            "/usr/lib/ssh/sftp-server", "/usr/libexec/sftp-server", "/usr/lib/sftp-server");
    private static final String SFTP = HOME + "for p in " + String.join(" ", SFTP_SERVERS)
            + "; do if [ -x \"$p\" ]; then exec \"$p\"; fi; done; "
            + "echo \"berth: this sandbox has no sftp-server (looked for " + String.join(", ", SFTP_SERVERS)
            + "); install it in the sandbox's image (Debian: openssh-sftp-server)\" >&2; exit 127";
    private static final int EXIT_FAILED = 255;

    private final Kind kind;
    private final String command;
    private final SshTargets targets;
    private final Executor pumps;
    private final AtomicBoolean finished = new AtomicBoolean();
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile AgentProcess process;
    private volatile ActivityTracker.Hold hold;
    private final dev.berth.server.limits.BoundedCounts slots;

    SandboxCommand(Kind kind, String command, SshTargets targets, Executor pumps, dev.berth.server.limits.BoundedCounts slots) {
        this.kind = kind;
        this.command = command;
        this.targets = targets;
        this.pumps = pumps;
        this.slots = slots;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        SshGrant grant = channel.getSession().getAttribute(SshAuth.GRANT);
        if (grant == null) { // cannot happen after authentication; refuse rather than guess
            fail("berth: this connection is not authenticated");
            return;
        }
        String client = channel.getSession().getClientAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : null;
        String org = grant.organizationId();
        if (!slots.tryTake(org)) {
            fail("berth: this organization has " + slots.bound() + " SSH channels open on this Berth already "
                    + "(berth.ssh.max-channels-per-org); close one and try again");
            return;
        }
        // the organization's slot is held by the pump thread, as long as that thread works for this channel
        // (resuming a sandbox, starting its process, pumping its input), not by the channel: a channel closed at
        // once must not free the slot while its thread still works
        try {
            // resolving the sandbox may resume it: never on the connection's I/O thread
            boolean tty = kind != Kind.SFTP && channel.getAttribute(TerminalAwareChannels.PTY_REQUESTED) != null;
            pumps.execute(() -> {
                try {
                    run(grant, client, env, tty);
                } finally {
                    slots.give(org);
                }
            });
        } catch (RejectedExecutionException e) {
            slots.give(org);
            fail("berth: too many SSH channels are open on this Berth (berth.ssh.max-channels); try again later");
        }
    }

    private void run(SshGrant grant, String client, Environment env, boolean tty) {
        Target t;
        try {
            t = targets.open(grant, kind.auditName, client);
        } catch (SshTargets.Refused e) {
            fail("berth: " + e.getMessage());
            return;
        }
        hold = targets.hold(grant.sandboxId());
        if (finished.get()) { // the channel closed meanwhile
            release();
            return;
        }
        try {
            process = t.agent().spawn(request(t, env, tty), this);
        } catch (AgentException | RuntimeException e) {
            fail("berth: could not start the " + kind.auditName + " in sandbox " + grant.sandboxId() + ": "
                    + e.getMessage());
            return;
        }
        if (finished.get()) { // the channel closed while the process was being started
            process.close();
            release();
            return;
        }
        if (tty) {
            env.addSignalListener((ch, sig) -> resize(env), Signal.WINCH);
        }
        pumpInput();
    }

    private ExecRequest request(Target t, Environment env, boolean tty) {
        List<String> argv = switch (kind) {
            case SHELL -> List.of("/bin/sh", "-c", SHELL);
            case EXEC -> List.of("/bin/sh", "-c", EXEC, "sh", command);
            case SFTP -> List.of("/bin/sh", "-c", SFTP);
        };
        String term = env.getEnv().get(Environment.ENV_TERM);
        Map<String, String> vars = tty && term != null && !term.isBlank() ? Map.of("TERM", term) : Map.of();
        ExecRequest req = new ExecRequest(argv, null, vars, false, t.sandbox().getOsUser(), false, 0, 0, null);
        return tty ? req.withTty(dimension(env, Environment.ENV_COLUMNS, 80), dimension(env, Environment.ENV_LINES, 24))
                : req;
    }

    private static int dimension(Environment env, String name, int fallback) {
        try {
            int v = Integer.parseInt(env.getEnv().getOrDefault(name, ""));
            return v >= 1 && v <= 1000 ? v : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private void resize(Environment env) {
        AgentProcess p = process;
        if (p != null && p.isAlive()) {
            try {
                p.resize(dimension(env, Environment.ENV_COLUMNS, 80), dimension(env, Environment.ENV_LINES, 24));
            } catch (AgentException e) {
                log.debug("resize of an SSH terminal failed: {}", e.getMessage());
            }
        }
    }

    /** Channel input to the process until the channel's EOF (then the process's stdin is closed) or its exit. */
    private void pumpInput() {
        byte[] buf = new byte[32 * 1024];
        AgentProcess p = process;
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n > 0) {
                    p.writeStdin(buf, 0, n);
                }
            }
            if (p.isAlive()) {
                p.closeStdin();
            }
        } catch (IOException e) {
            // the channel closed (destroy kills the process) or the process is gone (its exit is reported)
            log.debug("SSH input ended: {}", e.getMessage());
        }
    }

    @Override
    public void onStdout(byte[] data) {
        write(out, data);
    }

    @Override
    public void onStderr(byte[] data) {
        write(err, data);
    }

    private void write(OutputStream stream, byte[] data) {
        try {
            stream.write(data);
            stream.flush();
        } catch (IOException e) {
            // the client went away: stop the process rather than read output nobody takes
            AgentProcess p = process;
            if (p != null) {
                p.close();
            }
        }
    }

    @Override
    public void onExit(ExitStatus status) {
        finish(status.exitCode(), null);
    }

    @Override
    public void onError(AgentException error) {
        fail("berth: lost the connection to the sandbox's agent: " + error.getMessage());
    }

    private void fail(String message) {
        try {
            err.write((message + "\r\n").getBytes(StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException e) {
            log.debug("could not tell the SSH client '{}': {}", message, e.getMessage());
        }
        finish(EXIT_FAILED, message);
    }

    private void finish(int code, String message) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        release();
        try {
            out.flush();
            err.flush();
        } catch (IOException e) {
            log.debug("SSH output not flushed: {}", e.getMessage());
        }
        if (message == null) {
            exit.onExit(code);
        } else {
            exit.onExit(code, message);
        }
    }

    private void release() {
        ActivityTracker.Hold h = hold;
        if (h != null) {
            h.close();
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        finished.set(true);
        AgentProcess p = process;
        if (p != null && p.isAlive()) {
            p.close(); // the agent kills the process group
        }
        release();
    }
}
