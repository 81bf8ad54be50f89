package dev.berth.server.toolbox.git;

import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.toolbox.ToolboxError;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import dev.berth.server.toolbox.ToolboxTargets;
import dev.berth.server.toolbox.files.SandboxUser;
import dev.berth.server.toolbox.files.SandboxUsers;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Daytona's git routes (§3.4), run with the sandbox's own git. Errors carry the GIT_* daemon codes. */
@RequiresPermission(Permission.WRITE_SANDBOXES)
@RestController
@RequestMapping("/api/toolbox/{sandboxId}/git")
public class GitController {

    public record CommitResponse(String hash) {
    }

    public record BranchesResponse(List<String> branches, String current) {
    }

    public record Remote(String name, String url) {
    }

    public record RemotesResponse(List<Remote> remotes) {
    }

    public record CommitInfo(String hash, String author, String email, String message, String timestamp) {
    }

    /** Commits returned by {@code /git/history}, newest first. */
    static final int HISTORY_LIMIT = 10_000;

    private final ToolboxTargets targets;
    private final SandboxUsers users;
    private final dev.berth.server.limits.LongOperations longOps;

    public GitController(ToolboxTargets targets, SandboxUsers users, dev.berth.server.limits.LongOperations longOps) {
        this.targets = targets;
        this.users = users;
        this.longOps = longOps;
    }

    /** The sandbox's git, and the repository path resolved like file paths (relative = under the home). */
    private record Repo(GitRunner git, String path) {
    }

    private Repo repo(Caller caller, String sandboxId, String path) {
        Target t = targets.resolve(caller, sandboxId);
        SandboxUser user = users.of(t);
        return new Repo(new GitRunner(t, user, () -> longOps.begin(caller, GitRunner.OUTPUT_RESERVATION)),
                user.resolve(path));
    }

    @PostMapping("/clone")
    public void clone(Caller caller, @PathVariable String sandboxId, @RequestBody GitRequests.Clone req) {
        GitArgs.require(req.url(), "url");
        Repo r = repo(caller, sandboxId, req.path());
        List<String> args = new ArrayList<>();
        if (Boolean.TRUE.equals(req.insecureSkipTls())) {
            args.addAll(List.of("-c", "http.sslVerify=false"));
        }
        args.add("clone");
        if (req.branch() != null && !req.branch().isEmpty()) {
            args.addAll(List.of("--branch", GitArgs.ref(req.branch(), "branch")));
        }
        if (req.depth() != null && req.depth() > 0) {
            args.addAll(List.of("--depth", req.depth().toString()));
        }
        args.addAll(List.of("--", req.url(), r.path()));
        r.git().run("clone", GitRunner.NETWORK, GitCredentials.of(req.username(), req.password()), args);
        if (req.commitId() != null && !req.commitId().isEmpty()) {
            r.git().run("checkout", GitRunner.LOCAL,
                    List.of("-C", r.path(), "checkout", GitArgs.ref(req.commitId(), "commit_id")));
        }
    }

    @PostMapping("/init")
    public void init(Caller caller, @PathVariable String sandboxId, @RequestBody GitRequests.Init req) {
        Repo r = repo(caller, sandboxId, req.path());
        List<String> args = new ArrayList<>(List.of("init"));
        if (Boolean.TRUE.equals(req.bare())) {
            args.add("--bare");
        }
        if (req.initialBranch() != null && !req.initialBranch().isEmpty()) {
            args.add("--initial-branch=" + GitArgs.ref(req.initialBranch(), "initial_branch"));
        }
        args.addAll(List.of("--", r.path()));
        r.git().run("init", GitRunner.LOCAL, args);
    }

    @GetMapping("/status")
    public GitStatus status(Caller caller, @PathVariable String sandboxId, @RequestParam String path) {
        Repo r = repo(caller, sandboxId, path);
        return GitStatus.parse(r.git().run("status", GitRunner.LOCAL,
                List.of("-C", r.path(), "status", "--porcelain=v2", "--branch", "-z")));
    }

    @PostMapping("/add")
    public void add(Caller caller, @PathVariable String sandboxId, @RequestBody GitRequests.Add req) {
        if (req.files() == null || req.files().isEmpty()) {
            throw ToolboxException.badRequest("files is required");
        }
        Repo r = repo(caller, sandboxId, req.path());
        List<String> args = new ArrayList<>(List.of("-C", r.path(), "add", "--"));
        args.addAll(req.files());
        r.git().run("add", GitRunner.LOCAL, args);
    }

    @PostMapping("/commit")
    public CommitResponse commit(Caller caller, @PathVariable String sandboxId, @RequestBody GitRequests.Commit req) {
        GitArgs.require(req.message(), "message");
        Repo r = repo(caller, sandboxId, req.path());
        List<String> args = new ArrayList<>(List.of("-C", r.path()));
        if (req.author() != null && !req.author().isEmpty()) {
            args.addAll(List.of("-c", "user.name=" + req.author()));
        }
        if (req.email() != null && !req.email().isEmpty()) {
            args.addAll(List.of("-c", "user.email=" + req.email()));
        }
        args.addAll(List.of("commit", "-m", req.message()));
        if (Boolean.TRUE.equals(req.allowEmpty())) {
            args.add("--allow-empty");
        }
        r.git().run("commit", GitRunner.LOCAL, args);
        return new CommitResponse(r.git().run("rev-parse", GitRunner.LOCAL,
                List.of("-C", r.path(), "rev-parse", "HEAD")).strip());
    }

    @PostMapping("/push")
    public void push(Caller caller, @PathVariable String sandboxId, @RequestBody GitRequests.Push req) {
        Repo r = repo(caller, sandboxId, req.path());
        List<String> args = new ArrayList<>(List.of("-C", r.path(), "push"));
        if (Boolean.TRUE.equals(req.setUpstream())) {
            args.add("--set-upstream");
        }
        args.addAll(GitArgs.remoteAndBranch(req.remote(), req.branch()));
        r.git().run("push", GitRunner.NETWORK, GitCredentials.of(req.username(), req.password()), args);
    }

    @PostMapping("/pull")
    public void pull(Caller caller, @PathVariable String sandboxId, @RequestBody GitRequests.Pull req) {
        Repo r = repo(caller, sandboxId, req.path());
        // merge (not rebase, not fast-forward only): divergence then ends in a merge or a GIT_MERGE_CONFLICT
        List<String> args = new ArrayList<>(List.of("-C", r.path(), "pull", "--no-rebase"));
        args.addAll(GitArgs.remoteAndBranch(req.remote(), req.branch()));
        r.git().run("pull", GitRunner.NETWORK, GitCredentials.of(req.username(), req.password()), args);
    }

    @GetMapping("/branches")
    public BranchesResponse branches(Caller caller, @PathVariable String sandboxId, @RequestParam String path) {
        Repo r = repo(caller, sandboxId, path);
        String out = r.git().run("branch", GitRunner.LOCAL,
                List.of("-C", r.path(), "branch", "--list", "--format=%(HEAD)%(refname:short)"));
        List<String> branches = new ArrayList<>();
        String current = null;
        for (String line : out.split("\n")) {
            if (line.length() < 2) {
                continue;
            }
            String name = line.substring(1);
            if (name.startsWith("(")) {
                continue; // "(HEAD detached at ...)"
            }
            branches.add(name);
            if (line.charAt(0) == '*') {
                current = name;
            }
        }
        return new BranchesResponse(branches, current);
    }

    /** Creates the branch and switches to it, as Daytona's daemon does. */
    @PostMapping("/branches")
    public void createBranch(Caller caller, @PathVariable String sandboxId,
            @RequestBody GitRequests.Branch req) {
        Repo r = repo(caller, sandboxId, req.path());
        r.git().run("branch", GitRunner.LOCAL,
                List.of("-C", r.path(), "checkout", "-b", GitArgs.ref(req.name(), "name")));
    }

    @DeleteMapping("/branches")
    public void deleteBranch(Caller caller, @PathVariable String sandboxId,
            @RequestBody GitRequests.Branch req) {
        Repo r = repo(caller, sandboxId, req.path());
        r.git().run("branch", GitRunner.LOCAL,
                List.of("-C", r.path(), "branch", "-D", GitArgs.ref(req.name(), "name")));
    }

    @PostMapping("/checkout")
    public void checkout(Caller caller, @PathVariable String sandboxId, @RequestBody GitRequests.Checkout req) {
        Repo r = repo(caller, sandboxId, req.path());
        r.git().run("checkout", GitRunner.LOCAL,
                List.of("-C", r.path(), "checkout", GitArgs.ref(req.branch(), "branch")));
    }

    /**
     * Adds a remote; an existing one is a 409 unless {@code overwrite}, which sets its URL instead.
     * {@code fetch} then fetches it (network timeout, no credentials).
     */
    @PostMapping("/remotes")
    public void addRemote(Caller caller, @PathVariable String sandboxId, @RequestBody GitRequests.AddRemote req) {
        String name = GitArgs.ref(req.name(), "name");
        String url = GitArgs.url(req.url(), "url");
        Repo r = repo(caller, sandboxId, req.path());
        boolean exists = remotes(r).stream().anyMatch(x -> x.name().equals(name));
        if (exists && !Boolean.TRUE.equals(req.overwrite())) {
            throw new ToolboxException(ToolboxError.CONFLICT, "remote '" + name + "' already exists; pass overwrite to "
                    + "replace its url");
        }
        r.git().run("remote", GitRunner.LOCAL,
                List.of("-C", r.path(), "remote", exists ? "set-url" : "add", "--", name, url));
        if (Boolean.TRUE.equals(req.fetch())) {
            r.git().run("fetch", GitRunner.NETWORK, List.of("-C", r.path(), "fetch", "--", name));
        }
    }

    @GetMapping("/remotes")
    public RemotesResponse listRemotes(Caller caller, @PathVariable String sandboxId, @RequestParam String path) {
        return new RemotesResponse(remotes(repo(caller, sandboxId, path)));
    }

    /** The remotes and their fetch URLs, from {@code git remote -v} ({@code name<TAB>url (fetch)}). */
    private static List<Remote> remotes(Repo r) {
        String out = r.git().run("remote", GitRunner.LOCAL, List.of("-C", r.path(), "remote", "-v"));
        List<Remote> remotes = new ArrayList<>();
        for (String line : out.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0 && line.endsWith(" (fetch)")) {
                remotes.add(new Remote(line.substring(0, tab), line.substring(tab + 1, line.length() - 8)));
            }
        }
        return remotes;
    }

    /** The commits reachable from HEAD, newest first (at most {@link #HISTORY_LIMIT}); none in an empty repo. */
    @GetMapping("/history")
    public List<CommitInfo> history(Caller caller, @PathVariable String sandboxId, @RequestParam String path) {
        Repo r = repo(caller, sandboxId, path);
        String out;
        try {
            out = r.git().run("log", GitRunner.LOCAL, List.of("-C", r.path(), "log", "--max-count=" + HISTORY_LIMIT,
                    "--format=%H%x00%an%x00%ae%x00%aI%x00%B%x00%x1e"));
        } catch (ToolboxException e) {
            if (e.getMessage() != null && e.getMessage().contains("does not have any commits yet")) {
                return List.of();
            }
            throw e;
        }
        List<CommitInfo> commits = new ArrayList<>();
        for (String rec : out.split("\u0000\u001e\n?")) {
            String[] f = rec.split("\u0000", 5);
            if (f.length == 5) {
                commits.add(new CommitInfo(f[0].strip(), f[1], f[2], f[4].stripTrailing(), f[3]));
            }
        }
        return commits;
    }
}
