package dev.berth.server.toolbox.git;

import dev.berth.server.toolbox.ToolboxException;
import java.util.List;

/** Validation of values that end up as git arguments: a ref never starts with '-', so it is never an option. */
final class GitArgs {

    private GitArgs() {
    }

    static String require(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw ToolboxException.badRequest(field + " is required");
        }
        return value;
    }

    static String ref(String value, String field) {
        require(value, field);
        if (value.startsWith("-") || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ToolboxException.badRequest(field + " is not a valid git ref: '" + value + "'");
        }
        return value;
    }

    /** A remote URL (or path): never an option, no control characters. */
    static String url(String value, String field) {
        require(value, field);
        if (value.startsWith("-") || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ToolboxException.badRequest(field + " is not a valid git remote url");
        }
        return value;
    }

    /** {@code [remote [branch]]}; a branch without a remote goes to origin. */
    static List<String> remoteAndBranch(String remote, String branch) {
        boolean hasRemote = remote != null && !remote.isEmpty();
        boolean hasBranch = branch != null && !branch.isEmpty();
        if (!hasRemote && !hasBranch) {
            return List.of();
        }
        String rem = hasRemote ? ref(remote, "remote") : "origin";
        return hasBranch ? List.of(rem, ref(branch, "branch")) : List.of(rem);
    }
}
