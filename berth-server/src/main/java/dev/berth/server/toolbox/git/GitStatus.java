package dev.berth.server.toolbox.git;

import java.util.ArrayList;
import java.util.List;

/**
 * Daytona's git status, parsed from {@code git status --porcelain=v2 --branch -z}.
 * Staging/worktree values: Unmodified, Untracked, Modified, Added, Deleted, Renamed, Copied, "Updated but unmerged".
 */
public record GitStatus(String currentBranch, List<FileStatus> fileStatus, int ahead, int behind,
        boolean branchPublished, String upstream, boolean detached) {

    public record FileStatus(String name, String staging, String worktree, String extra) {
    }

    static GitStatus parse(String porcelainV2z) {
        String branch = "";
        String upstream = null;
        int ahead = 0;
        int behind = 0;
        boolean detached = false;
        List<FileStatus> files = new ArrayList<>();
        String[] tokens = porcelainV2z.split("\0");
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (t.startsWith("# branch.head ")) {
                branch = t.substring("# branch.head ".length());
                detached = branch.equals("(detached)");
            } else if (t.startsWith("# branch.upstream ")) {
                upstream = t.substring("# branch.upstream ".length());
            } else if (t.startsWith("# branch.ab ")) {
                String[] ab = t.substring("# branch.ab ".length()).split(" ");
                ahead = Math.abs(Integer.parseInt(ab[0]));
                behind = Math.abs(Integer.parseInt(ab[1]));
            } else if (t.startsWith("1 ")) {
                String[] f = t.split(" ", 9);
                files.add(new FileStatus(f[8], state(f[1].charAt(0)), state(f[1].charAt(1)), ""));
            } else if (t.startsWith("2 ")) {
                String[] f = t.split(" ", 10);
                String orig = i + 1 < tokens.length ? tokens[++i] : "";
                files.add(new FileStatus(f[9], state(f[1].charAt(0)), state(f[1].charAt(1)), orig));
            } else if (t.startsWith("u ")) {
                String[] f = t.split(" ", 11);
                files.add(new FileStatus(f[10], "Updated but unmerged", "Updated but unmerged", ""));
            } else if (t.startsWith("? ")) {
                files.add(new FileStatus(t.substring(2), "Untracked", "Untracked", ""));
            }
        }
        return new GitStatus(branch, files, ahead, behind, upstream != null, upstream, detached);
    }

    private static String state(char c) {
        return switch (c) {
            case 'M', 'T' -> "Modified";
            case 'A' -> "Added";
            case 'D' -> "Deleted";
            case 'R' -> "Renamed";
            case 'C' -> "Copied";
            case 'U' -> "Updated but unmerged";
            case '?' -> "Untracked";
            default -> "Unmodified";
        };
    }
}
