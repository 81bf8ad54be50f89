package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentErrorCode;
import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.ExecRequest;
import dev.berth.runner.agent.ExecResult;
import dev.berth.runner.agent.FileInfo;
import dev.berth.runner.agent.SandboxAgent;
import dev.berth.server.toolbox.ToolboxError;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Daytona sessions kept in the sandbox, not in the control plane: a detached driver shell per session and one
 * directory per command ({@link SessionScripts}), read and written through the sandbox's agent. Any replica
 * serves any call and a control-plane restart loses nothing; the running shells and commands belong to the
 * sandbox and end with it. Everything read back is the sandbox's own (hostile) data: every read is bounded,
 * FIFOs and devices are refused by the agent, and unparsable files read as "not there".
 */
@Component
public class AgentSessions {

    /** The largest command text accepted (and read back). */
    static final int MAX_COMMAND_BYTES = 256 * 1024;
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One command as the sandbox records it; {@code exitCode} null while it runs (or waits to). */
    record Command(String id, String command, boolean started, Integer exitCode, long outputBytes) {
    }

    /** A session: its driver's liveness and its commands in submission order. */
    record Session(String id, boolean alive, List<Command> commands) {
    }

    /** A command's output: stdout, stderr, and both (stdout, then stderr). */
    record Text(String output, String stdout, String stderr) {
    }

    private final ProcessProperties props;
    private final SandboxEnv env;

    AgentSessions(ProcessProperties props, SandboxEnv env) {
        this.props = props;
        this.env = env;
    }

    // ------------------------------------------------------------------ sessions

    void create(Target t, String id) throws AgentException {
        SandboxProcesses.checkId("session", id);
        if (EntrypointController.ID.equals(id)) {
            throw new ToolboxException(ToolboxError.CONFLICT, "session id 'entrypoint' is reserved");
        }
        SandboxAgent agent = t.agent();
        List<FileInfo> existing = SandboxRecords.listOrEmpty(agent, SessionScripts.ROOT);
        if (existing.stream().anyMatch(f -> f.name().equals(id))) {
            throw exists(id);
        }
        if (existing.size() >= props.sessionsPerSandbox()) {
            throw new ToolboxException(ToolboxError.QUOTA_EXCEEDED, "this sandbox already has "
                    + props.sessionsPerSandbox() + " sessions; delete one first");
        }
        ExecRequest driver = new ExecRequest(List.of("/bin/sh", "-c", SessionScripts.DRIVER, "berth-session",
                SessionScripts.dir(id)), null, null, false, t.sandbox().getOsUser(), false, 0, 0, null);
        try {
            agent.startDetached(env.apply(t, driver));
        } catch (AgentException e) {
            if (e.code() == AgentErrorCode.EXEC_FAILED && e.getMessage().contains("exists")) {
                throw exists(id); // another replica created it a moment ago
            }
            throw e;
        }
    }

    List<Session> list(Target t) throws AgentException {
        List<FileInfo> dirs = SandboxRecords.listOrEmpty(t.agent(), SessionScripts.ROOT);
        List<Session> out = new ArrayList<>();
        for (FileInfo d : dirs.stream().filter(FileInfo::isDirectory)
                .sorted(Comparator.comparing(FileInfo::modifiedAt).thenComparing(FileInfo::name)).toList()) {
            if (validId(d.name())) {
                out.add(session(t, d.name()));
            }
        }
        return out;
    }

    Session session(Target t, String id) throws AgentException {
        return session(t, id, true);
    }

    /**
     * @param texts false: the commands' text and exit codes are not read (one agent call per command instead of
     *              three): {@code command} is empty and a finished command's {@code exitCode} is 0
     */
    private Session session(Target t, String id, boolean texts) throws AgentException {
        SandboxProcesses.checkId("session", id);
        SandboxAgent agent = t.agent();
        String dir = SessionScripts.dir(id);
        List<FileInfo> entries;
        try {
            entries = agent.list(dir + "/c");
        } catch (AgentException e) {
            if (e.code() == AgentErrorCode.FILE_NOT_FOUND || e.code() == AgentErrorCode.NOT_A_DIRECTORY) {
                throw new ToolboxException(ToolboxError.PROCESS_NOT_FOUND, "session '" + id + "' not found");
            }
            throw e;
        }
        boolean alive = driverPid(agent, id) > 0;
        List<Command> commands = new ArrayList<>();
        for (String cid : entries.stream().filter(FileInfo::isDirectory).map(FileInfo::name)
                .filter(AgentSessions::validCommandId).sorted().toList()) {
            commands.add(readCommand(agent, id, cid, alive, texts));
        }
        return new Session(id, alive, commands);
    }

    void delete(Target t, String id) throws AgentException {
        SandboxProcesses.checkId("session", id);
        SandboxAgent agent = t.agent();
        if (!SandboxRecords.exists(agent, SessionScripts.dir(id))) {
            throw new ToolboxException(ToolboxError.PROCESS_NOT_FOUND, "session '" + id + "' not found");
        }
        int pid = driverPid(agent, id);
        if (pid > 0) {
            asUser(t, SessionScripts.KILL, "kill", Integer.toString(pid));
        }
        asUser(t, SessionScripts.REMOVE, "remove", SessionScripts.dir(id));
    }

    // ------------------------------------------------------------------ commands

    /** Queues a command; it runs as soon as the session's earlier commands have finished. Returns its id. */
    String submit(Target t, String sessionId, String command, boolean echoInput) throws AgentException {
        byte[] text = command.getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_COMMAND_BYTES) {
            throw ToolboxException.badRequest("command is larger than " + MAX_COMMAND_BYTES + " bytes");
        }
        Session s = session(t, sessionId, false); // only what is waiting, finished and how large
        if (!s.alive()) {
            throw ended(sessionId);
        }
        long waiting = s.commands().stream().filter(c -> c.exitCode() == null).count();
        if (waiting >= props.commandsPerSession()) {
            throw new ToolboxException(ToolboxError.QUOTA_EXCEEDED, "session '" + sessionId + "' already has "
                    + waiting + " commands waiting; wait for them to finish");
        }
        SandboxAgent agent = t.agent();
        List<Command> finished = s.commands().stream().filter(c -> c.exitCode() != null).toList();
        // finished commands are forgotten oldest first: beyond commandsPerSession, and while the session's
        // output (on the sandbox's disk) exceeds sessionOutput
        int forget = Math.max(0, finished.size() - (props.commandsPerSession() - 1 - (int) waiting));
        long output = s.commands().stream().mapToLong(Command::outputBytes).sum();
        for (int i = 0; i < forget; i++) {
            output -= finished.get(i).outputBytes();
        }
        while (forget < finished.size() && output > props.sessionOutput().toBytes()) {
            output -= finished.get(forget++).outputBytes();
        }
        if (forget > 0) {
            List<String> args = new ArrayList<>(List.of("remove"));
            finished.subList(0, forget).forEach(c -> args.add(SessionScripts.commandDir(sessionId, c.id())));
            asUser(t, SessionScripts.REMOVE, args.toArray(String[]::new));
        }
        String id = newCommandId();
        ExecResult r = agent.exec(ExecRequest.of("/bin/sh", "-c", SessionScripts.SUBMIT, "submit",
                SessionScripts.dir(sessionId), id, echoInput ? "1" : "0").withUser(t.sandbox().getOsUser()),
                text, SCRIPT_TIMEOUT);
        if (r.status().timedOut() || r.exitCode() == 3) {
            throw ended(sessionId);
        }
        if (r.exitCode() != 0) {
            throw new ToolboxException(ToolboxError.AGENT_FAILED, "could not queue the command in session '"
                    + sessionId + "': " + new String(r.stderr(), StandardCharsets.UTF_8).strip());
        }
        return id;
    }

    Command command(Target t, String sessionId, String commandId) throws AgentException {
        SandboxProcesses.checkId("session", sessionId);
        if (!validCommandId(commandId)) {
            throw commandNotFound(sessionId, commandId);
        }
        SandboxAgent agent = t.agent();
        if (!SandboxRecords.exists(agent, SessionScripts.commandDir(sessionId, commandId))) {
            if (!SandboxRecords.exists(agent, SessionScripts.dir(sessionId))) {
                throw new ToolboxException(ToolboxError.PROCESS_NOT_FOUND, "session '" + sessionId + "' not found");
            }
            throw commandNotFound(sessionId, commandId);
        }
        Command c = readCommand(agent, sessionId, commandId, true, true);
        if (c.exitCode() == null && driverPid(agent, sessionId) <= 0) {
            return new Command(c.id(), c.command(), c.started(), -1, c.outputBytes()); // its shell is gone
        }
        return c;
    }

    /** The command's output, at most {@code commandOutput} bytes of each stream (the most recent). */
    Text logs(Target t, String sessionId, String commandId) throws AgentException {
        command(t, sessionId, commandId);
        String dir = SessionScripts.commandDir(sessionId, commandId);
        long cap = props.commandOutput().toBytes();
        String out = new String(SandboxRecords.tail(t.agent(), dir + "/out", cap), StandardCharsets.UTF_8);
        String err = new String(SandboxRecords.tail(t.agent(), dir + "/err", cap), StandardCharsets.UTF_8);
        return new Text(out + err, out, err);
    }

    void input(Target t, String sessionId, String commandId, byte[] data) throws AgentException {
        Command c = command(t, sessionId, commandId);
        if (c.exitCode() != null) {
            throw completed(commandId);
        }
        if (!c.started()) {
            throw new ToolboxException(ToolboxError.CONFLICT, "command '" + commandId + "' has not started yet");
        }
        ExecResult r = t.agent().exec(ExecRequest.of("/bin/sh", "-c", SessionScripts.INPUT, "input",
                SessionScripts.commandDir(sessionId, commandId)).withUser(t.sandbox().getOsUser()), data,
                SCRIPT_TIMEOUT);
        if (r.exitCode() == 10 || r.status().timedOut()) {
            throw completed(commandId);
        }
        if (r.exitCode() != 0) {
            throw new ToolboxException(ToolboxError.AGENT_FAILED, "could not send input to command '" + commandId
                    + "': " + new String(r.stderr(), StandardCharsets.UTF_8).strip());
        }
    }

    /** Waits for the command's exit code: null if it still runs after {@code timeout}. */
    Integer await(Target t, String sessionId, String commandId, Duration timeout) throws AgentException,
            InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long delayMs = 5;
        long nextLivenessCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        String exitPath = SessionScripts.commandDir(sessionId, commandId) + "/exit";
        while (true) {
            Integer code = parseExit(SandboxRecords.read(t.agent(), exitPath, 32));
            if (code != null) {
                return code;
            }
            long now = System.nanoTime();
            if (now >= nextLivenessCheck) {
                nextLivenessCheck = now + TimeUnit.SECONDS.toNanos(2);
                Integer c = command(t, sessionId, commandId).exitCode();
                if (c != null) {
                    return c;
                }
            }
            if (now >= deadline) {
                return null;
            }
            pause(Math.min(delayMs, TimeUnit.NANOSECONDS.toMillis(deadline - now) + 1));
            delayMs = Math.min(100, delayMs * 2);
        }
    }

    /**
     * Runs a session script as the sandbox's user, never as root: a path the sandbox's code replaced with a
     * symlink can make it touch only what that user could touch anyway.
     */
    private static void asUser(Target t, String script, String... args) throws AgentException {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", script));
        argv.addAll(List.of(args));
        ExecResult r = t.agent().exec(new ExecRequest(argv, null, null, false, t.sandbox().getOsUser(), false, 0, 0,
                null), SCRIPT_TIMEOUT);
        if (r.exitCode() != 0) {
            throw new ToolboxException(ToolboxError.AGENT_FAILED, "session housekeeping failed: "
                    + new String(r.stderr(), StandardCharsets.UTF_8).strip());
        }
    }

    // ------------------------------------------------------------------ reading the sandbox's records

    private Command readCommand(SandboxAgent agent, String sessionId, String commandId, boolean alive,
            boolean texts) throws AgentException {
        String dir = SessionScripts.commandDir(sessionId, commandId);
        Set<String> names;
        long output;
        try {
            List<FileInfo> files = agent.list(dir);
            names = files.stream().map(FileInfo::name).collect(Collectors.toSet());
            output = files.stream().filter(f -> f.name().equals("out") || f.name().equals("err"))
                    .mapToLong(FileInfo::size).sum();
        } catch (AgentException e) {
            if (e.code() == AgentErrorCode.FILE_NOT_FOUND) {
                throw commandNotFound(sessionId, commandId);
            }
            throw e;
        }
        if (!texts) {
            Integer done = names.contains("exit") ? Integer.valueOf(0) : alive ? null : Integer.valueOf(-1);
            return new Command(commandId, "", names.contains("started"), done, output);
        }
        byte[] text = names.contains("cmd") ? SandboxRecords.read(agent, dir + "/cmd", MAX_COMMAND_BYTES) : new byte[0];
        Integer exit = names.contains("exit") ? parseExit(SandboxRecords.read(agent, dir + "/exit", 32)) : null;
        if (exit == null && !alive) {
            exit = -1; // the session's shell has ended: this command never will
        }
        return new Command(commandId, text == null ? "" : new String(text, StandardCharsets.UTF_8),
                names.contains("started"), exit, output);
    }

    /** The driver's pid if it still runs (its command line names the session directory), else -1. */
    private static int driverPid(SandboxAgent agent, String sessionId) throws AgentException {
        byte[] raw = SandboxRecords.read(agent, SessionScripts.dir(sessionId) + "/pid", 32);
        if (raw == null) {
            return -1;
        }
        int pid;
        try {
            pid = Integer.parseInt(new String(raw, StandardCharsets.US_ASCII).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
        if (pid <= 1) {
            return -1;
        }
        byte[] cmdline = SandboxRecords.read(agent, "/proc/" + pid + "/cmdline", 64 * 1024);
        String suffix = "\0" + SessionScripts.dir(sessionId) + "\0";
        return cmdline != null && new String(cmdline, StandardCharsets.UTF_8).endsWith(suffix) ? pid : -1;
    }

    /** The exit code a command's directory records, or null while it has none. */
    static Integer exitCode(SandboxAgent agent, String commandDir) throws AgentException {
        return parseExit(SandboxRecords.read(agent, commandDir + "/exit", 32));
    }

    private static Integer parseExit(byte[] raw) {
        if (raw == null) {
            return null;
        }
        String s = new String(raw, StandardCharsets.US_ASCII);
        if (!s.endsWith("\n")) {
            return null; // not completely written yet
        }
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ ids and errors

    /** Time-ordered (UUIDv7 layout), so the sandbox's directory order is the submission order. */
    static String newCommandId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        long ms = System.currentTimeMillis();
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (ms >>> (40 - 8 * i));
        }
        b[6] = (byte) ((b[6] & 0x0f) | 0x70);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        String h = HexFormat.of().formatHex(b);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                + "-" + h.substring(20);
    }

    static boolean validCommandId(String id) {
        return id != null && id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    }

    private static boolean validId(String id) {
        return id.length() <= 128 && id.matches("[A-Za-z0-9._:@-]+");
    }

    private static void pause(long ms) throws InterruptedException {
        try {
            CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static ToolboxException exists(String id) {
        return new ToolboxException(ToolboxError.CONFLICT, "session '" + id + "' already exists");
    }

    private static ToolboxException ended(String id) {
        return new ToolboxException(ToolboxError.SESSION_ENDED, "session '" + id + "' has ended (its shell exited)");
    }

    private static ToolboxException completed(String commandId) {
        return new ToolboxException(ToolboxError.COMMAND_ALREADY_COMPLETED, "command '" + commandId
                + "' has already completed");
    }

    private static ToolboxException commandNotFound(String sessionId, String commandId) {
        return new ToolboxException(ToolboxError.PROCESS_NOT_FOUND, "command '" + commandId + "' not found in session '"
                + sessionId + "'");
    }
}
