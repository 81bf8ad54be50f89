package dev.berth.server.toolbox.git;

import dev.berth.server.toolbox.ToolboxException;
import java.util.List;
import java.util.Locale;

/** Classifies git's messages (run with LC_ALL=C) into the daemon's GIT_* codes the SDK maps to typed errors. */
final class GitErrors {

    private record Rule(String code, int status, List<String> fragments) {
    }

    // order matters: the first rule with a matching fragment wins
    private static final List<Rule> RULES = List.of(
            new Rule("GIT_AUTH_FAILED", 401, List.of("authentication failed", "could not read username",
                    "could not read password", "terminal prompts disabled", "permission denied (publickey",
                    "invalid username or password", "the requested url returned error: 401",
                    "the requested url returned error: 403")),
            new Rule("GIT_REPO_NOT_FOUND", 404, List.of("repository not found", "fatal: repository '",
                    "not a git repository", "does not appear to be a git repository", "cannot change to",
                    "the requested url returned error: 404", "could not read from remote repository")),
            new Rule("GIT_MERGE_CONFLICT", 409, List.of("conflict (", "automatic merge failed", "fix conflicts",
                    "you have unmerged paths", "unmerged files")),
            new Rule("GIT_DIRTY_WORKTREE", 409, List.of("would be overwritten by",
                    "please commit your changes or stash", "your local changes")),
            new Rule("GIT_REMOTE_REJECTED", 409, List.of("[remote rejected]", "pre-receive hook declined")),
            new Rule("GIT_PUSH_REJECTED", 409, List.of("[rejected]", "non-fast-forward", "failed to push some refs",
                    "updates were rejected")),
            new Rule("GIT_BRANCH_EXISTS", 409, List.of("a branch named")),
            new Rule("GIT_BRANCH_NOT_FOUND", 404, List.of("did not match any file(s) known to git",
                    "invalid reference", "couldn't find remote ref", "not found in upstream", "error: branch '",
                    "unknown revision")),
            new Rule("GIT_TRANSPORT_FAILED", 502, List.of("could not resolve host", "unable to access",
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
                    return new ToolboxException(r.status(), r.code(), "git " + operation + " failed: " + text);
                }
            }
        }
        return new ToolboxException(400, "BAD_REQUEST", "git " + operation + " failed: "
                + (text.isEmpty() ? "no output" : text));
    }
}
