package dev.berth.runner.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;

/**
 * The file half of {@link AgentClient}: stat, list, streamed read and write, mkdir, move, delete, chmod and chown,
 * one connection per operation, every path checked before it is sent and every reply bounded.
 */
final class AgentFileClient implements AgentFiles {

    /** Opens a connection to the agent (connect, AUTH, HELLO). */
    @FunctionalInterface
    interface Connector {
        AgentConnection connect() throws AgentException;
    }

    private final Connector connector;
    private final Duration ioTimeout;
    private final int maxListEntries;

    AgentFileClient(Connector connector, Duration ioTimeout, int maxListEntries) {
        this.connector = connector;
        this.ioTimeout = ioTimeout;
        this.maxListEntries = maxListEntries;
    }

    private AgentConnection connect() throws AgentException {
        return connector.connect();
    }

    private static String checkPath(String path) throws AgentException {
        if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0
                || path.getBytes(StandardCharsets.UTF_8).length > 4095) {
            throw new AgentException(AgentErrorCode.INVALID_FILE_PATH, AgentErrorCode.EINVAL,
                    "path must be absolute, without NUL, at most 4095 bytes: " + path);
        }
        return path;
    }

    private static String checkName(String s) throws AgentException {
        if (s != null && (s.indexOf('\0') >= 0 || s.getBytes(StandardCharsets.UTF_8).length > 256)) {
            throw new AgentException(AgentErrorCode.INVALID_FILE_PATH, AgentErrorCode.EINVAL, "bad user/group name");
        }
        return s == null ? "" : s;
    }

    private static void checkMode(int mode) {
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException("mode out of range: " + Integer.toOctalString(mode));
        }
    }

    /** One request, one OK (or ERROR) reply. */
    private void simple(int type, byte[] payload, AgentErrorCode fallback) throws AgentException {
        try (AgentConnection c = connect()) {
            ScheduledFuture<?> g = c.arm(ioTimeout);
            try {
                c.send(type, payload);
                Wire.Frame f = c.read();
                if (f.type() == Wire.R_ERROR) {
                    throw AgentClient.error(f, fallback);
                }
                if (f.type() != Wire.R_OK || f.payload().length != 0) {
                    throw AgentException.protocol("expected OK, got 0x" + Integer.toHexString(f.type()));
                }
            } finally {
                AgentConnection.disarm(g);
            }
        }
    }

    /** Caps collected bytes; remembers whether anything was dropped. */

    @Override
    public FileInfo stat(String path) throws AgentException {
        return stat(path, true);
    }

    /** @param followLinks false = lstat */
    @Override
    public FileInfo stat(String path, boolean followLinks) throws AgentException {
        checkPath(path);
        try (AgentConnection c = connect()) {
            c.send(Wire.T_STAT, new Wire.Out().u32(followLinks ? 0 : 1).str(path).toBytes());
            Wire.Frame f = c.read(ioTimeout);
            if (f.type() == Wire.R_ERROR) {
                throw AgentClient.error(f, AgentErrorCode.FILE_READ_FAILED);
            }
            if (f.type() != Wire.R_STAT) {
                throw AgentException.protocol("expected STAT");
            }
            Wire.In in = new Wire.In(f.payload());
            FileInfo info = FileInfo.decode(baseName(path), in);
            in.end();
            return info;
        }
    }

    static String baseName(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        int i = p.lastIndexOf('/');
        return i >= 0 && p.length() > 1 ? p.substring(i + 1) : p;
    }

    /** Lists a directory (entries are lstat'ed; "." and ".." are omitted; unordered). */
    @Override
    public List<FileInfo> list(String path) throws AgentException {
        checkPath(path);
        try (AgentConnection c = connect()) {
            c.send(Wire.T_LIST, new Wire.Out().str(path).toBytes());
            List<FileInfo> out = new ArrayList<>();
            while (true) {
                Wire.Frame f = c.read(ioTimeout);
                switch (f.type()) {
                    case Wire.R_ENTRIES -> {
                        Wire.In in = new Wire.In(f.payload());
                        long n = in.u32();
                        if (n > in.remaining() / 4 || out.size() + n > maxListEntries) {
                            throw new AgentException(AgentErrorCode.LIMIT_EXCEEDED, 0,
                                    "directory listing exceeds " + maxListEntries + " entries or frame bounds");
                        }
                        for (long i = 0; i < n; i++) {
                            String name = in.str(255);
                            if (name.isEmpty() || name.indexOf('/') >= 0) {
                                throw AgentException.protocol("bad entry name");
                            }
                            out.add(FileInfo.decode(name, in));
                        }
                        in.end();
                    }
                    case Wire.R_END -> {
                        return out;
                    }
                    case Wire.R_ERROR -> throw AgentClient.error(f, AgentErrorCode.FILE_READ_FAILED);
                    default -> throw AgentException.protocol("unexpected frame 0x" + Integer.toHexString(f.type()));
                }
            }
        }
    }

    /** Opens a regular file for streaming read (whole file). */
    @Override
    public ReadStream openRead(String path) throws AgentException {
        return openRead(path, 0, -1);
    }

    /** @param length bytes to read from {@code offset}, or -1 for up to EOF */
    @Override
    public ReadStream openRead(String path, long offset, long length) throws AgentException {
        checkPath(path);
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        AgentConnection c = connect();
        try {
            c.send(Wire.T_READ, new Wire.Out().str(path).u64(offset).u64(length < 0 ? -1L : length).toBytes());
            Wire.Frame f = c.read(ioTimeout);
            if (f.type() == Wire.R_ERROR) {
                throw AgentClient.error(f, AgentErrorCode.FILE_READ_FAILED);
            }
            if (f.type() != Wire.R_STAT) {
                throw AgentException.protocol("expected STAT before data");
            }
            Wire.In in = new Wire.In(f.payload());
            FileInfo info = FileInfo.decode(baseName(path), in);
            in.end();
            long limit = length < 0 ? Long.MAX_VALUE : length;
            return new ReadStream(c, info, ioTimeout, limit);
        } catch (AgentException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Writes a file atomically (temp file + rename), mode exact (not subject to umask). */
    @Override
    public void write(String path, InputStream data, int mode) throws AgentException {
        write(path, data, mode, false, null, null);
    }

    /**
     * Streams {@code data} into {@code path}: the agent writes a temp file in the same directory and renames it
     * over the target when the stream is complete, so readers never see a partial file.
     *
     * @param createParents create missing parent directories (mode 0755)
     * @param owner         user for the new file (name or uid), null = agent's user
     * @param group         group for the new file (name or gid), null = default
     */
    @Override
    public void write(String path, InputStream data, int mode, boolean createParents, String owner, String group)
            throws AgentException {
        checkPath(path);
        checkMode(mode);
        Objects.requireNonNull(data, "data");
        try (AgentConnection c = connect()) {
            c.send(Wire.T_WRITE, new Wire.Out().u32(createParents ? 1 : 0).u32(mode).str(path).str(checkName(owner))
                    .str(checkName(group)).toBytes());
            expectOk(c, AgentErrorCode.FILE_WRITE_FAILED);
            byte[] buf = new byte[Wire.CHUNK];
            try {
                while (true) {
                    int n = data.readNBytes(buf, 0, buf.length);
                    if (n <= 0) {
                        break;
                    }
                    ScheduledFuture<?> g = c.arm(ioTimeout);
                    try {
                        c.send(Wire.T_DATA, buf, 0, n);
                    } finally {
                        AgentConnection.disarm(g);
                    }
                }
                c.send(Wire.T_DATA_END, new byte[0]);
            } catch (AgentException e) {
                // the agent may have failed the write (ENOSPC...) and closed: report its error if it sent one
                throw pendingError(c, e);
            } catch (IOException e) {
                throw new AgentException(AgentErrorCode.FILE_WRITE_FAILED, "reading upload data failed: " + e.getMessage(), e);
            }
            expectOk(c, AgentErrorCode.FILE_WRITE_FAILED);
        }
    }

    private AgentException pendingError(AgentConnection c, AgentException original) {
        if (c.isClosed() && original.code() == AgentErrorCode.TIMEOUT) {
            return original;
        }
        try {
            Wire.Frame f = c.read(Duration.ofSeconds(1));
            if (f.type() == Wire.R_ERROR) {
                return AgentClient.error(f, AgentErrorCode.FILE_WRITE_FAILED);
            }
        } catch (AgentException ignored) {
            // keep the original failure
        }
        return original;
    }

    private void expectOk(AgentConnection c, AgentErrorCode fallback) throws AgentException {
        Wire.Frame f = c.read(ioTimeout);
        if (f.type() == Wire.R_ERROR) {
            throw AgentClient.error(f, fallback);
        }
        if (f.type() != Wire.R_OK || f.payload().length != 0) {
            throw AgentException.protocol("expected OK, got 0x" + Integer.toHexString(f.type()));
        }
    }

    /** Creates a directory with exactly {@code mode}; with {@code parents}, like mkdir -p (no error if it exists). */
    @Override
    public void mkdir(String path, int mode, boolean parents) throws AgentException {
        checkPath(path);
        checkMode(mode);
        simple(Wire.T_MKDIR, new Wire.Out().u32(parents ? 1 : 0).u32(mode).str(path).toBytes(),
                AgentErrorCode.FILE_WRITE_FAILED);
    }

    /** rename(2); across file systems fails with {@link AgentErrorCode#CROSS_DEVICE}. */
    @Override
    public void move(String source, String target, boolean overwrite) throws AgentException {
        checkPath(source);
        checkPath(target);
        simple(Wire.T_MOVE, new Wire.Out().u32(overwrite ? 0 : 1).str(source).str(target).toBytes(),
                AgentErrorCode.FILE_WRITE_FAILED);
    }

    /** Deletes a file, symlink or empty directory; {@code recursive} deletes trees without following symlinks. */
    @Override
    public void delete(String path, boolean recursive) throws AgentException {
        checkPath(path);
        simple(Wire.T_DELETE, new Wire.Out().u32(recursive ? 1 : 0).str(path).toBytes(), AgentErrorCode.FILE_WRITE_FAILED);
    }

    @Override
    public void chmod(String path, int mode) throws AgentException {
        checkPath(path);
        checkMode(mode);
        simple(Wire.T_CHMOD, new Wire.Out().u32(mode).str(path).toBytes(), AgentErrorCode.FILE_WRITE_FAILED);
    }

    /** @param user name or uid (or null), @param group name or gid (or null); at least one is required */
    @Override
    public void chown(String path, String user, String group) throws AgentException {
        checkPath(path);
        String u = checkName(user);
        String g = checkName(group);
        if (u.isEmpty() && g.isEmpty()) {
            throw new IllegalArgumentException("user or group required");
        }
        simple(Wire.T_CHOWN, new Wire.Out().str(path).str(u).str(g).toBytes(), AgentErrorCode.FILE_WRITE_FAILED);
    }
}
