package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentErrorCode;
import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.ExecRequest;
import dev.berth.runner.agent.FileInfo;
import dev.berth.runner.agent.SandboxAgent;
import dev.berth.server.toolbox.ToolboxError;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sandbox's PTYs, recorded in the sandbox (not in a control-plane replica): each terminal runs detached in
 * the agent (it survives the connection that started it and can be attached to from any replica), and
 * {@value #ROOT}{@code /<id>/meta} records its pid, the start time of that pid (so a reused pid is not taken for
 * it) and what {@code PtyInfo} shows. The directory is the agent's (root, 0700); the agent clears it at boot.
 */
@Component
class AgentPtys {

    static final String ROOT = "/tmp/.berth-pty";
    private static final int MAX_META = 64 * 1024;
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    /** What is recorded per terminal. */
    record Meta(String id, int pid, long startTime, int cols, int rows, String cwd, Map<String, String> envs,
                String createdAt) {

        Meta resized(int newCols, int newRows) {
            return new Meta(id, pid, startTime, newCols, newRows, cwd, envs, createdAt);
        }
    }

    private final ProcessProperties props;
    private final JsonMapper json;

    AgentPtys(ProcessProperties props, JsonMapper json) {
        this.props = props;
        this.json = json;
    }

    /** Refuses an id in use, and a sandbox at its bound (terminals that have exited are forgotten first). */
    void checkCanCreate(Target t, String id) throws AgentException {
        SandboxProcesses.checkId("PTY", id);
        List<Meta> all = all(t.agent());
        if (all.stream().anyMatch(m -> m.id().equals(id))) {
            throw new ToolboxException(ToolboxError.CONFLICT, "PTY session '" + id + "' already exists");
        }
        List<Meta> live = new ArrayList<>();
        for (Meta m : all) {
            if (alive(t.agent(), m)) {
                live.add(m);
            } else {
                t.agent().delete(ROOT + "/" + m.id(), true);
            }
        }
        if (live.size() >= props.ptysPerSandbox()) {
            throw new ToolboxException(ToolboxError.QUOTA_EXCEEDED, "this sandbox already has "
                    + props.ptysPerSandbox() + " PTY sessions; kill one first");
        }
    }

    /** Records a terminal just started with {@code pid}. */
    Meta record(Target t, String id, int pid, int cols, int rows, String cwd, Map<String, String> envs,
            String createdAt) throws AgentException {
        SandboxAgent agent = t.agent();
        ensureRoot(agent);
        Meta m = new Meta(id, pid, startTime(agent, pid), cols, rows, cwd == null ? "" : cwd, envs, createdAt);
        agent.mkdir(ROOT + "/" + id, 0700, false);
        write(agent, m);
        return m;
    }

    List<PtyInfo> list(Target t) throws AgentException {
        List<PtyInfo> out = new ArrayList<>();
        for (Meta m : all(t.agent())) {
            out.add(info(m, alive(t.agent(), m)));
        }
        return out;
    }

    Meta get(Target t, String id) throws AgentException {
        SandboxProcesses.checkId("PTY", id);
        byte[] raw = rootIsOurs(t.agent()) ? SandboxRecords.read(t.agent(), ROOT + "/" + id + "/meta", MAX_META) : null;
        Meta m = raw == null ? null : parse(raw);
        if (m == null || !m.id().equals(id)) {
            throw new ToolboxException(ToolboxError.PROCESS_NOT_FOUND, "PTY session '" + id + "' not found");
        }
        return m;
    }

    PtyInfo info(Target t, String id) throws AgentException {
        Meta m = get(t, id);
        return info(m, alive(t.agent(), m));
    }

    boolean alive(Target t, Meta m) throws AgentException {
        return alive(t.agent(), m);
    }

    PtyInfo resize(Target t, String id, int cols, int rows) throws AgentException {
        if (cols < 1 || cols > 1000 || rows < 1 || rows > 1000) {
            throw ToolboxException.badRequest("cols and rows must be between 1 and 1000");
        }
        Meta m = get(t, id);
        if (!alive(t.agent(), m)) {
            throw exited(id);
        }
        try {
            t.agent().resizeTerminal(m.pid(), cols, rows);
        } catch (AgentException e) {
            if (e.errno() == 3) { // ESRCH: it exited meanwhile
                throw exited(id);
            }
            throw e;
        }
        Meta resized = m.resized(cols, rows);
        write(t.agent(), resized);
        return info(resized, true);
    }

    /** Kills the terminal's process group (as the sandbox's user) and forgets it. */
    void kill(Target t, String id) throws AgentException {
        Meta m = get(t, id);
        if (alive(t.agent(), m)) {
            t.agent().exec(new ExecRequest(List.of("/bin/sh", "-c", SessionScripts.KILL, "kill",
                    Integer.toString(m.pid())), null, null, false, t.sandbox().getOsUser(), false, 0, 0, null),
                    KILL_TIMEOUT);
        }
        t.agent().delete(ROOT + "/" + id, true);
    }

    // ------------------------------------------------------------------ the records

    private List<Meta> all(SandboxAgent agent) throws AgentException {
        if (!rootIsOurs(agent)) {
            return List.of();
        }
        List<FileInfo> dirs = agent.list(ROOT);
        List<Meta> out = new ArrayList<>();
        for (FileInfo d : dirs.stream().filter(FileInfo::isDirectory).sorted(Comparator.comparing(FileInfo::name))
                .toList()) {
            byte[] raw = SandboxRecords.read(agent, ROOT + "/" + d.name() + "/meta", MAX_META);
            Meta m = raw == null ? null : parse(raw);
            if (m != null && m.id().equals(d.name())) {
                out.add(m);
            }
        }
        out.sort(Comparator.comparing(Meta::createdAt).thenComparing(Meta::id));
        return out;
    }

    private Meta parse(byte[] raw) {
        try {
            Meta m = json.readValue(raw, Meta.class);
            return m.id() == null || m.createdAt() == null ? null : m;
        } catch (JacksonException e) {
            return null;
        }
    }

    private void write(SandboxAgent agent, Meta m) throws AgentException {
        agent.write(ROOT + "/" + m.id() + "/meta", new ByteArrayInputStream(json.writeValueAsBytes(m)), 0600);
    }

    /**
     * The registry directory, made by the agent (root, 0700). Something else in its place (a symlink or a
     * directory the sandbox's user made) is refused rather than written through.
     */
    private static void ensureRoot(SandboxAgent agent) throws AgentException {
        FileInfo info;
        try {
            info = agent.stat(ROOT, false);
        } catch (AgentException e) {
            if (e.code() != AgentErrorCode.FILE_NOT_FOUND) {
                throw e;
            }
            agent.mkdir(ROOT, 0700, false);
            info = agent.stat(ROOT, false);
        }
        if (!info.isDirectory() || info.uid() != 0 || (info.mode() & 077) != 0) {
            throw new ToolboxException(ToolboxError.CONFLICT, ROOT + " in the sandbox is not Berth's (a directory of "
                    + "root, mode 0700); remove it to use terminals");
        }
    }

    /** Whether the registry exists and is the agent's (anything else in its place is never read through). */
    private static boolean rootIsOurs(SandboxAgent agent) throws AgentException {
        try {
            FileInfo info = agent.stat(ROOT, false);
            return info.isDirectory() && info.uid() == 0 && (info.mode() & 077) == 0;
        } catch (AgentException e) {
            if (e.code() == AgentErrorCode.FILE_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /** The start time (clock ticks after boot) of {@code pid}, from /proc; -1 if it is gone or a zombie. */
    private static long startTime(SandboxAgent agent, int pid) throws AgentException {
        byte[] raw = SandboxRecords.read(agent, "/proc/" + pid + "/stat", 4096);
        if (raw == null) {
            return -1;
        }
        String s = new String(raw, StandardCharsets.US_ASCII);
        int close = s.lastIndexOf(')'); // the command name may hold spaces and parentheses
        if (close < 0) {
            return -1;
        }
        String[] f = s.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state); the start time is field 22
        if (f.length < 20 || f[0].equals("Z") || f[0].equals("X")) {
            return -1;
        }
        try {
            return Long.parseLong(f[19]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean alive(SandboxAgent agent, Meta m) throws AgentException {
        return m.startTime() >= 0 && startTime(agent, m.pid()) == m.startTime();
    }

    private static PtyInfo info(Meta m, boolean active) {
        return new PtyInfo(m.id(), active, m.cols(), m.rows(), m.cwd(), m.envs() == null ? Map.of() : m.envs(),
                m.createdAt(), false);
    }

    private static ToolboxException exited(String id) {
        return new ToolboxException(ToolboxError.SESSION_ENDED, "PTY session '" + id + "' has exited");
    }
}
