package dev.berth.server.toolbox.git;

import dev.berth.server.toolbox.ToolboxError;
import dev.berth.server.toolbox.ToolboxException;
import java.util.List;
import java.util.Locale;

/** Classifies git's messages (run with LC_ALL=C) into the daemon's GIT_* codes the SDK maps to typed errors. */
final class GitErrors {

    private record Rule(ToolboxError error, List<String> fragments) {
    }

    // order matters: the first rule with a matching fragment wins
    private static final List<Rule> RULES = List.of(
            new Rule(ToolboxError.GIT_AUTH_FAILED, List.of("authentication failed", "could not read username",
                    "could not read password", "terminal prompts disabled", "permission denied (publickey",
                    "invalid username or password", "the requested url returned error: 401",
                    "the requested url returned error: 403")),
            new Rule(ToolboxError.GIT_REPO_NOT_FOUND, List.of("repository not found", "fatal: repository '",
                    "not a git repository", "does not appear to be a git repository", "cannot change to",
                    "the requested url returned error: 404", "could not read from remote repository")),
            new Rule(ToolboxError.GIT_MERGE_CONFLICT, List.of("conflict (", "automatic merge failed", "fix conflicts",
                    "you have unmerged paths", "unmerged files")),
            new Rule(ToolboxError.GIT_DIRTY_WORKTREE, List.of("would be overwritten by",
                    "please commit your changes or stash", "your local changes")),
            new Rule(ToolboxError.GIT_REMOTE_REJECTED, List.of("[remote rejected]", "pre-receive hook declined")),
            new Rule(ToolboxError.GIT_PUSH_REJECTED, List.of("[rejected]", "non-fast-forward", "failed to push some refs",
                    "updates were rejected")),
            new Rule(ToolboxError.GIT_BRANCH_EXISTS, List.of("a branch named")),
            new Rule(ToolboxError.GIT_BRANCH_NOT_FOUND, List.of("did not match any file(s) known to git",
                    "invalid reference", "couldn't find remote ref", "not found in upstream", "error: branch '",
                    "unknown revision")),
            new Rule(ToolboxError.GIT_TRANSPORT_FAILED, List.of("could not resolve host", "unable to access",
                    "connection refused", "failed to connect", "connection timed out", "operation timed out",
                    "ssl certificate problem", "early eof", "the remote end hung up", "unable to look up")));

    private GitErrors() {
    }

    static ToolboxException classify(String operation, String output) {
        String text = output.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        for (Rule r : RULES) {
            for (String f : r.fragments()) {
                if (lower.contains(f)) {
                    return new ToolboxException(r.error(), "git " + operation + " failed: " + text);
                }
            }
        }
        return new ToolboxException(ToolboxError.BAD_REQUEST, "git " + operation + " failed: "
                + (text.isEmpty() ? "no output" : text));
    }
}
