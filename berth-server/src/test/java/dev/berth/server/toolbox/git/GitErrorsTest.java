package dev.berth.server.toolbox.git;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GitErrorsTest {

    private static String code(String output) {
        return GitErrors.classify("op", output).code();
    }

    @Test
    void mapsGitMessagesToDaemonCodes() {
        assertThat(code("fatal: Authentication failed for 'https://h/r.git/'")).isEqualTo("GIT_AUTH_FAILED");
        assertThat(code("fatal: could not read Username for 'https://h': terminal prompts disabled"))
                .isEqualTo("GIT_AUTH_FAILED");
        assertThat(code("fatal: unable to access 'https://h/': The requested URL returned error: 403"))
                .isEqualTo("GIT_AUTH_FAILED");
        assertThat(code("fatal: not a git repository (or any of the parent directories): .git"))
                .isEqualTo("GIT_REPO_NOT_FOUND");
        assertThat(code("fatal: repository '/srv/none.git' does not exist")).isEqualTo("GIT_REPO_NOT_FOUND");
        assertThat(code("fatal: a branch named 'main' already exists")).isEqualTo("GIT_BRANCH_EXISTS");
        assertThat(code("error: pathspec 'nope' did not match any file(s) known to git"))
                .isEqualTo("GIT_BRANCH_NOT_FOUND");
        assertThat(code("error: branch 'feature' not found.")).isEqualTo("GIT_BRANCH_NOT_FOUND");
        assertThat(code("warning: Could not find remote branch nope to clone.\nfatal: Remote branch nope not found "
                + "in upstream origin")).isEqualTo("GIT_BRANCH_NOT_FOUND");
        assertThat(code(" ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs"))
                .isEqualTo("GIT_PUSH_REJECTED");
        assertThat(code(" ! [remote rejected] main -> main (pre-receive hook declined)"))
                .isEqualTo("GIT_REMOTE_REJECTED");
        assertThat(code("error: Your local changes to the following files would be overwritten by checkout:"))
                .isEqualTo("GIT_DIRTY_WORKTREE");
        assertThat(code("CONFLICT (content): Merge conflict in f.txt\nAutomatic merge failed; fix conflicts"))
                .isEqualTo("GIT_MERGE_CONFLICT");
        assertThat(code("fatal: unable to access 'https://nohost/': Could not resolve host: nohost"))
                .isEqualTo("GIT_TRANSPORT_FAILED");
        assertThat(code("fatal: pathspec 'x' did not match any files")).isEqualTo("BAD_REQUEST");
        assertThat(GitErrors.classify("op", "boom").status()).isEqualTo(400);
    }
}
