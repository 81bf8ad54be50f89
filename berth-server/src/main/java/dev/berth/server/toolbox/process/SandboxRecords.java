package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentErrorCode;
import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.FileInfo;
import dev.berth.runner.agent.FileType;
import dev.berth.runner.agent.ReadStream;
import dev.berth.runner.agent.SandboxAgent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Bounded reads of the records sessions and terminals keep in the sandbox. The sandbox owns those files and
 * may have replaced any of them: every read has a cap, and something that is not a regular file (a FIFO would
 * block, a device never ends) reads as missing.
 */
final class SandboxRecords {

    private SandboxRecords() {
    }

    /** At most {@code max} bytes of a regular file; null if it does not exist or is not a regular file. */
    static byte[] read(SandboxAgent agent, String path, long max) throws AgentException {
        return readRange(agent, path, 0, max);
    }

    /** The last {@code max} bytes of a regular file (empty if missing). */
    static byte[] tail(SandboxAgent agent, String path, long max) throws AgentException {
        FileInfo info;
        try {
            info = agent.stat(path, false);
        } catch (AgentException e) {
            if (e.code() == AgentErrorCode.FILE_NOT_FOUND) {
                return new byte[0];
            }
            throw e;
        }
        if (info.type() != FileType.FILE) {
            return new byte[0];
        }
        byte[] b = readRange(agent, path, Math.max(0, info.size() - max), max);
        return b == null ? new byte[0] : b;
    }

    static byte[] readRange(SandboxAgent agent, String path, long offset, long max) throws AgentException {
        try (ReadStream in = agent.openRead(path, offset, max)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (AgentException e) {
            if (e.code() == AgentErrorCode.FILE_NOT_FOUND || e.code() == AgentErrorCode.NOT_A_REGULAR_FILE
                    || e.code() == AgentErrorCode.IS_A_DIRECTORY || e.code() == AgentErrorCode.INVALID_FILE_PATH) {
                return null; // gone, or replaced by something that is not a regular file (a FIFO would block)
            }
            throw e;
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.FILE_READ_FAILED, "reading " + path, e);
        }
    }

    static boolean exists(SandboxAgent agent, String path) throws AgentException {
        try {
            agent.stat(path, false);
            return true;
        } catch (AgentException e) {
            if (e.code() == AgentErrorCode.FILE_NOT_FOUND || e.code() == AgentErrorCode.NOT_A_DIRECTORY) {
                return false;
            }
            throw e;
        }
    }

    static List<FileInfo> listOrEmpty(SandboxAgent agent, String dir) throws AgentException {
        try {
            return agent.list(dir);
        } catch (AgentException e) {
            if (e.code() == AgentErrorCode.FILE_NOT_FOUND) {
                return List.of();
            }
            throw e;
        }
    }
}
