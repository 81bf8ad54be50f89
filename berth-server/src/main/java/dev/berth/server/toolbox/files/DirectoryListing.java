package dev.berth.server.toolbox.files;

import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.FileInfo;
import dev.berth.runner.agent.SandboxAgent;
import dev.berth.server.toolbox.ToolboxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Lists a directory down to {@code depth} levels (1 = its entries). Entries are not followed when they are
 * symlinks, so a link to {@code /} is listed as a link, not walked. The total is capped.
 */
final class DirectoryListing {

    static final int MAX_DEPTH = 32;
    static final int MAX_ENTRIES = 100_000;

    private DirectoryListing() {
    }

    static List<FileInfoResponse> list(SandboxAgent agent, String dir, int depth) throws AgentException {
        if (depth < 1 || depth > MAX_DEPTH) {
            throw ToolboxException.badRequest("depth must be between 1 and " + MAX_DEPTH);
        }
        List<FileInfoResponse> out = new ArrayList<>();
        walk(agent, dir, depth, out);
        return out;
    }

    private static void walk(SandboxAgent agent, String dir, int depth, List<FileInfoResponse> out)
            throws AgentException {
        List<FileInfo> entries = new ArrayList<>(agent.list(dir));
        entries.sort(Comparator.comparing(FileInfo::name));
        String prefix = dir.endsWith("/") ? dir : dir + "/";
        for (FileInfo e : entries) {
            if (out.size() >= MAX_ENTRIES) {
                throw ToolboxException.badRequest("more than " + MAX_ENTRIES + " entries under " + dir
                        + "; list with a smaller depth");
            }
            String path = prefix + e.name();
            out.add(FileInfoResponse.of(path, e));
            if (depth > 1 && e.isDirectory()) {
                walk(agent, path, depth - 1, out);
            }
        }
    }
}
