package dev.berth.server.toolbox.files;

import dev.berth.runner.agent.AgentErrorCode;
import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.FileInfo;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import java.io.InputStream;

/**
 * Streams data into a sandbox file through the agent (temp file + rename, so readers never see a partial
 * file). A file that exists keeps its mode and owner; a new one gets 0644 and the sandbox user as owner.
 */
final class SandboxFileWriter {

    private SandboxFileWriter() {
    }

    static void write(Target target, SandboxUser user, String path, InputStream data) throws AgentException {
        FileInfo existing = null;
        try {
            existing = target.agent().stat(path);
        } catch (AgentException e) {
            if (e.code() != AgentErrorCode.FILE_NOT_FOUND && e.code() != AgentErrorCode.NOT_A_DIRECTORY) {
                throw e;
            }
        }
        write(target, user, path, data, existing);
    }

    /** As {@link #write(Target, SandboxUser, String, InputStream)}, with the file's stat already at hand (or null). */
    static void write(Target target, SandboxUser user, String path, InputStream data, FileInfo existing)
            throws AgentException {
        int mode = 0644;
        String owner = user.ownerForNewFiles();
        String group = null;
        if (existing != null && !existing.isDirectory()) {
            mode = existing.mode();
            owner = Long.toString(existing.uid());
            group = Long.toString(existing.gid());
        }
        target.agent().write(path, data, mode, true, owner, group);
    }
}
