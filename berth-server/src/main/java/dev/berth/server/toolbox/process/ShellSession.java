package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentClient;
import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.AgentProcess;
import dev.berth.runner.agent.ExecRequest;
import dev.berth.runner.agent.ExitStatus;
import dev.berth.runner.agent.ProcessListener;
import dev.berth.server.toolbox.ToolboxException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * A Daytona session: one long-lived {@code /bin/sh} in the sandbox, spawned through the agent with its stdin
 * open. Commands run one at a time inside that shell (so cwd, variables and functions carry over); each is
 * written to stdin only when the previous one has finished, framed by {@link ShellScript}, and its stdout and
 * stderr are cut out of the shell's streams by {@link MarkerScanner}. Further commands wait in a bounded queue.
 */
final class ShellSession implements ProcessListener {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final ProcessProperties props;
    private final String nonce;
    private final CommandBook book;
    private final MarkerScanner outScan;
    private final MarkerScanner errScan;
    private final Object stdinLock = new Object();
    private final ArrayDeque<SessionCommand> queue = new ArrayDeque<>();
    private final ByteArrayOutputStream pendingInput = new ByteArrayOutputStream();
    private volatile AgentProcess shell;
    private SessionCommand current;
    private boolean outStarted;
    private boolean errStarted;
    private boolean outEnded;
    private boolean errEnded;
    private int exitCode;
    private boolean drainPending;
    private boolean ended;
    private long seq;

    private ShellSession(String id, ProcessProperties props) {
        this.id = id;
        this.props = props;
        byte[] n = new byte[8];
        RANDOM.nextBytes(n);
        this.nonce = HexFormat.of().formatHex(n);
        this.book = new CommandBook(props.commandsPerSession(), props.sessionOutput().toBytes());
        this.outScan = new MarkerScanner(nonce);
        this.errScan = new MarkerScanner(nonce);
    }

    /** The session's shell: {@code /bin/sh} reading commands from stdin, as {@code user}. */
    static ExecRequest request(String user) {
        return ExecRequest.of("/bin/sh").withUser(user);
    }

    /** Starts the shell of {@code request} (normally {@link #request}, with the sandbox's environment applied). */
    static ShellSession start(String id, AgentClient agent, ExecRequest request, ProcessProperties props)
            throws AgentException {
        ShellSession s = new ShellSession(id, props);
        s.shell = agent.spawn(request, s);
        return s;
    }

    String id() {
        return id;
    }

    synchronized List<SessionCommand> commands() {
        return book.all();
    }

    synchronized SessionCommand command(String commandId) {
        SessionCommand c = book.get(commandId);
        if (c == null) {
            throw ToolboxException.notFound("PROCESS_NOT_FOUND", "command '" + commandId + "' not found in session '"
                    + id + "'");
        }
        return c;
    }

    /** Queues a command; it starts as soon as the shell is idle. */
    SessionCommand submit(String command, boolean echoInput) {
        String script;
        SessionCommand cmd;
        synchronized (this) {
            if (ended) {
                throw new ToolboxException(410, "SESSION_ENDED", "session '" + id + "' has ended (its shell exited)");
            }
            if (queue.size() >= props.commandsPerSession()) {
                throw new ToolboxException(429, "CONFLICT", "session '" + id + "' already has " + queue.size()
                        + " commands waiting; wait for them to finish");
            }
            cmd = new SessionCommand(UUID.randomUUID().toString(), ++seq, command, props.commandOutput().toBytes(),
                    echoInput);
            book.add(cmd);
            queue.addLast(cmd);
            script = current == null ? startNext() : null;
        }
        writeBytes(bytes(script));
        return cmd;
    }

    /** Sends stdin to a running command (buffered, bounded, until the command has actually started). */
    void input(String commandId, byte[] data) {
        SessionCommand cmd = command(commandId);
        boolean now;
        synchronized (this) {
            if (cmd.isFinished()) {
                throw new ToolboxException(410, "COMMAND_ALREADY_COMPLETED", "command '" + commandId
                        + "' has already completed");
            }
            if (cmd != current) {
                throw new ToolboxException(409, "CONFLICT", "command '" + commandId + "' has not started yet");
            }
            now = outStarted;
            if (!now) {
                if (pendingInput.size() + data.length > props.maxInput().toBytes()) {
                    throw new ToolboxException(429, "CONFLICT", "too much input before the command started");
                }
                pendingInput.writeBytes(data);
            }
        }
        if (cmd.echoInput()) {
            cmd.log().append(OutputLog.Stream.STDOUT, data);
        }
        if (now) {
            writeBytes(data);
        }
    }

    /** Kills the shell (and everything in its process group) and completes all commands. */
    void close() {
        AgentProcess p = shell;
        if (p != null) {
            p.close();
        }
        end(-1);
    }

    // ------------------------------------------------------------------ shell output (reader thread)

    @Override
    public void onStdout(byte[] data) {
        List<byte[]> toWrite = new ArrayList<>(2);
        synchronized (this) {
            outScan.feed(data, new MarkerScanner.Sink() {
                @Override
                public void data(byte[] bytes) {
                    if (current != null && outStarted && !outEnded) {
                        current.log().append(OutputLog.Stream.STDOUT, bytes);
                    }
                }

                @Override
                public void marker(String body) {
                    toWrite.add(onMarker(body, true));
                }
            });
        }
        toWrite.forEach(this::writeBytes);
    }

    @Override
    public void onStderr(byte[] data) {
        List<byte[]> toWrite = new ArrayList<>(2);
        synchronized (this) {
            errScan.feed(data, new MarkerScanner.Sink() {
                @Override
                public void data(byte[] bytes) {
                    if (current != null && errStarted && !errEnded) {
                        current.log().append(OutputLog.Stream.STDERR, bytes);
                    }
                }

                @Override
                public void marker(String body) {
                    toWrite.add(onMarker(body, false));
                }
            });
        }
        toWrite.forEach(this::writeBytes);
    }

    /** Handles a marker; returns bytes to write to stdin afterwards (pending input or the next command), or null. */
    private byte[] onMarker(String body, boolean stdout) {
        SessionMarker m = SessionMarker.parse(body);
        if (m == null || current == null || m.seq() != current.seq()) {
            return null;
        }
        if (m.start()) {
            if (stdout) {
                outStarted = true;
                if (pendingInput.size() > 0) {
                    byte[] in = pendingInput.toByteArray();
                    pendingInput.reset();
                    return in;
                }
            } else {
                errStarted = true;
            }
            return null;
        }
        if (stdout) {
            outEnded = true;
            exitCode = m.exitCode();
        } else {
            errEnded = true;
        }
        if (!(outEnded && errEnded)) {
            return null;
        }
        current.finish(exitCode);
        book.trim();
        current = null;
        drainPending = true;
        return bytes(startNext());
    }

    @Override
    public void onExit(ExitStatus status) {
        end(status.exitCode());
    }

    @Override
    public void onError(AgentException error) {
        end(-1);
    }

    private void end(int code) {
        List<SessionCommand> cut;
        synchronized (this) {
            ended = true;
            cut = new ArrayList<>(queue);
            queue.clear();
            if (current != null) {
                current.finish(code);
                current = null;
            }
        }
        // never-started commands report -1: they did not run
        cut.forEach(c -> c.finish(-1));
    }

    /** Makes the head of the queue current; returns its script. Caller holds the lock. */
    private String startNext() {
        current = queue.pollFirst();
        if (current == null) {
            return null;
        }
        outStarted = errStarted = outEnded = errEnded = false;
        pendingInput.reset();
        return ShellScript.chunk(nonce, current.seq(), current.command(), drainPending);
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    private void writeBytes(byte[] data) {
        if (data == null) {
            return;
        }
        synchronized (stdinLock) {
            try {
                shell.writeStdin(data);
            } catch (AgentException e) {
                close(); // the shell is gone or the sandbox misbehaves: the session cannot continue
            }
        }
    }
}
