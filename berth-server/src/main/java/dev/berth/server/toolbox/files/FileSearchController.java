package dev.berth.server.toolbox.files;

import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.ReadStream;
import dev.berth.runner.agent.SandboxAgent;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.toolbox.AgentErrors;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import dev.berth.server.toolbox.ToolboxTargets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /files/find} (grep contents), {@code /files/search} (glob names), {@code /files/replace}. */
@RequiresPermission(Permission.WRITE_SANDBOXES)
@RestController
@RequestMapping("/api/toolbox/{sandboxId}")
public class FileSearchController {

    public record SearchResponse(List<String> files) {
    }

    public record ReplaceRequest(List<String> files, String pattern, String newValue) {
    }

    public record ReplaceResult(String file, boolean success, String error) {
    }

    private final ToolboxTargets targets;
    private final SandboxUsers users;

    private final dev.berth.server.limits.LongOperations longOps;

    public FileSearchController(ToolboxTargets targets, SandboxUsers users,
            dev.berth.server.limits.LongOperations longOps) {
        this.targets = targets;
        this.users = users;
        this.longOps = longOps;
    }

    /** grep and find run for up to minutes and buffer their output: a long operation like execute (issue 9). */
    private dev.berth.server.limits.LongOperations.Permit slot(Caller caller) {
        return longOps.begin(caller, 2L * SandboxAgent.DEFAULT_MAX_OUTPUT);
    }

    @GetMapping("/files/find")
    public List<FileSearch.Match> find(Caller caller, @PathVariable String sandboxId, @RequestParam String path,
            @RequestParam String pattern) throws AgentException {
        requirePattern(pattern);
        Target t = targets.resolve(caller, sandboxId);
        SandboxUser user = users.of(t);
        String dir = user.resolve(path);
        t.agent().stat(dir);
        try (var permit = slot(caller)) {
            return FileSearch.grep(t, user, dir, pattern);
        }
    }

    @GetMapping("/files/search")
    public SearchResponse search(Caller caller, @PathVariable String sandboxId, @RequestParam String path,
            @RequestParam String pattern) throws AgentException {
        requirePattern(pattern);
        Target t = targets.resolve(caller, sandboxId);
        SandboxUser user = users.of(t);
        String dir = user.resolve(path);
        t.agent().stat(dir);
        try (var permit = slot(caller)) {
            return new SearchResponse(FileSearch.find(t, user, dir, pattern));
        }
    }

    /** Literal replacement in each file, streamed through the agent; per-file results, HTTP 200. */
    @PostMapping("/files/replace")
    public List<ReplaceResult> replace(Caller caller, @PathVariable String sandboxId,
            @RequestBody ReplaceRequest body) {
        if (body == null || body.files() == null) {
            throw ToolboxException.badRequest("files is required");
        }
        requirePattern(body.pattern());
        Target t = targets.resolve(caller, sandboxId);
        SandboxUser user = users.of(t);
        byte[] pattern = body.pattern().getBytes(StandardCharsets.UTF_8);
        byte[] value = (body.newValue() == null ? "" : body.newValue()).getBytes(StandardCharsets.UTF_8);
        List<ReplaceResult> out = new ArrayList<>();
        for (String file : body.files()) {
            try {
                String p = user.resolve(file);
                try (ReadStream in = t.agent().openRead(p)) {
                    // the open already stat-ed the file: keep its mode and owner without asking again
                    SandboxFileWriter.write(t, user, p, new ReplacingInputStream(in, pattern, value), in.info());
                }
                out.add(new ReplaceResult(file, true, null));
            } catch (AgentException e) {
                out.add(new ReplaceResult(file, false, AgentErrors.translate(e).getMessage()));
            } catch (ToolboxException e) {
                out.add(new ReplaceResult(file, false, e.getMessage()));
            }
        }
        return out;
    }

    private static void requirePattern(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw ToolboxException.badRequest("pattern is required");
        }
    }
}
