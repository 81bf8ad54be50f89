package dev.berth.server.toolbox.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.toolbox.git.GitStatus.FileStatus;
import org.junit.jupiter.api.Test;

class GitStatusTest {

    @Test
    void parsesPorcelainV2WithBranchHeaders() {
        String out = String.join("\0",
                "# branch.oid 0123456789abcdef0123456789abcdef01234567", "# branch.head main",
                "# branch.upstream origin/main", "# branch.ab +2 -1",
                "1 M. N... 100644 100644 100644 aaaa bbbb src/a file.txt",
                "1 .D N... 100644 100644 000000 aaaa aaaa gone.txt",
                "2 R. N... 100644 100644 100644 aaaa aaaa R100 new name.txt", "old name.txt",
                "u UU N... 100644 100644 100644 100644 a b c both.txt",
                "? untracked.txt", "");
        GitStatus s = GitStatus.parse(out);
        assertThat(s.currentBranch()).isEqualTo("main");
        assertThat(s.ahead()).isEqualTo(2);
        assertThat(s.behind()).isEqualTo(1);
        assertThat(s.branchPublished()).isTrue();
        assertThat(s.upstream()).isEqualTo("origin/main");
        assertThat(s.detached()).isFalse();
        assertThat(s.fileStatus()).containsExactly(
                new FileStatus("src/a file.txt", "Modified", "Unmodified", ""),
                new FileStatus("gone.txt", "Unmodified", "Deleted", ""),
                new FileStatus("new name.txt", "Renamed", "Unmodified", "old name.txt"),
                new FileStatus("both.txt", "Updated but unmerged", "Updated but unmerged", ""),
                new FileStatus("untracked.txt", "Untracked", "Untracked", ""));
    }

    @Test
    void freshRepositoryAndDetachedHead() {
        GitStatus fresh = GitStatus.parse("# branch.oid (initial)\0# branch.head main\0");
        assertThat(fresh.currentBranch()).isEqualTo("main");
        assertThat(fresh.branchPublished()).isFalse();
        assertThat(fresh.fileStatus()).isEmpty();
        assertThat(GitStatus.parse("# branch.oid abc\0# branch.head (detached)\0").detached()).isTrue();
    }
}
