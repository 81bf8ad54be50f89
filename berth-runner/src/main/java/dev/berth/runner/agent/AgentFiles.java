package dev.berth.runner.agent;

import java.io.InputStream;
import java.util.List;

/** The files of a sandbox, through its agent (paths are the sandbox's own, absolute). */
public interface AgentFiles {

    FileInfo stat(String path) throws AgentException;

    /** @param followLinks false = lstat */
    FileInfo stat(String path, boolean followLinks) throws AgentException;

    /** Lists a directory (entries are lstat'ed; "." and ".." are omitted; unordered; bounded). */
    List<FileInfo> list(String path) throws AgentException;

    /** Opens a regular file for streaming read (whole file). */
    ReadStream openRead(String path) throws AgentException;

    /** @param length bytes to read from {@code offset}, or -1 for up to EOF */
    ReadStream openRead(String path, long offset, long length) throws AgentException;

    void write(String path, InputStream data, int mode) throws AgentException;

    /** Writes atomically (temp file + rename); {@code owner}/{@code group} null = unchanged. */
    void write(String path, InputStream data, int mode, boolean createParents, String owner, String group)
            throws AgentException;

    /** Creates a directory with exactly {@code mode}; with {@code parents}, like mkdir -p. */
    void mkdir(String path, int mode, boolean parents) throws AgentException;

    /** rename(2); across file systems fails with {@link AgentErrorCode#CROSS_DEVICE}. */
    void move(String source, String target, boolean overwrite) throws AgentException;

    /** Deletes a file, symlink or empty directory; {@code recursive} deletes trees without following symlinks. */
    void delete(String path, boolean recursive) throws AgentException;

    void chmod(String path, int mode) throws AgentException;

    /** @param user name or uid (or null), @param group name or gid (or null); at least one is required */
    void chown(String path, String user, String group) throws AgentException;
}
