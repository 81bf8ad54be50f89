package dev.berth.server.toolbox.files;

import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.ReadStream;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.auth.SignedUrlAccess;
import dev.berth.server.limits.LongOperations;
import dev.berth.server.toolbox.AgentErrors;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxTargets;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * File uploads and downloads, streamed end to end: request parts are piped into the agent's WRITE and the
 * agent's READ frames are copied to the response, so memory per transfer is a few 64 KiB buffers whatever
 * the file size. Responses are written on the request thread (no async timeout cuts a long download).
 */
@RequiresPermission(Permission.WRITE_SANDBOXES)
@RestController
@RequestMapping("/api/toolbox/{sandboxId}")
public class FileTransferController {

    private static final Pattern UPLOAD_FIELD = Pattern.compile("files\\[(\\d{1,6})]\\.(path|file)");

    public record BulkDownloadRequest(List<String> paths) {
    }

    private final ToolboxTargets targets;
    private final SandboxUsers users;
    private final TransferErrors errors;
    private final LongOperations longOps;

    public FileTransferController(ToolboxTargets targets, SandboxUsers users, TransferErrors errors,
            LongOperations longOps) {
        this.targets = targets;
        this.users = users;
        this.errors = errors;
        this.longOps = longOps;
    }

    /** The SDK's format: for each i, a text field {@code files[i].path}, then a file field {@code files[i].file}. */
    @PostMapping("/files/bulk-upload")
    public void bulkUpload(Caller caller, @PathVariable String sandboxId, HttpServletRequest request)
            throws IOException {
        Target t = targets.resolve(caller, sandboxId);
        try (var permit = longOps.begin(caller)) {
            SandboxUser user = users.of(t);
            Map<String, String> paths = new HashMap<>();
            MultipartParts.read(request, (field, fileName, data) -> {
                Matcher m = field == null ? null : UPLOAD_FIELD.matcher(field);
                if (m == null || !m.matches()) {
                    return; // unknown fields are skipped (their data is drained by the parser)
                }
                if (m.group(2).equals("path")) {
                    paths.put(m.group(1), MultipartParts.text(data));
                    return;
                }
                String path = paths.remove(m.group(1));
                if (path == null) {
                    throw ToolboxException.badRequest("files[" + m.group(1) + "].file must follow its files["
                            + m.group(1) + "].path field");
                }
                SandboxFileWriter.write(t, user, user.resolve(path), data);
            });
        }
    }

    /** Upload of one file to {@code path} from the multipart field {@code file}; also by a signed link. */
    @PostMapping("/files/upload-v2")
    @SignedUrlAccess
    public void upload(Caller caller, @PathVariable String sandboxId, @RequestParam String path,
            HttpServletRequest request) throws IOException {
        Target t = targets.resolve(caller, sandboxId);
        try (var permit = longOps.begin(caller)) {
            SandboxUser user = users.of(t);
            String target = user.resolve(path);
            boolean[] seen = {false};
            MultipartParts.read(request, (field, fileName, data) -> {
                if ("file".equals(field) && !seen[0]) {
                    seen[0] = true;
                    SandboxFileWriter.write(t, user, target, data);
                }
            });
            if (!seen[0]) {
                throw ToolboxException.badRequest("multipart field 'file' is missing");
            }
        }
    }

    /** The raw bytes of one file; also by a signed link. */
    @GetMapping("/files/download")
    @SignedUrlAccess
    public void download(Caller caller, @PathVariable String sandboxId, @RequestParam String path,
            HttpServletResponse response) throws IOException {
        Target t = targets.resolve(caller, sandboxId);
        // a transfer lasts as long as the slower side (a client that reads slowly holds it): a long operation
        try (var permit = longOps.begin(caller); ReadStream in = t.agent().openRead(users.resolve(t, path))) {
            long size = in.info().size();
            response.setContentType("application/octet-stream");
            response.setContentLengthLong(size);
            response.setHeader("Content-Disposition",
                    "attachment; filename=\"" + MultipartResponseWriter.quote(in.info().name()) + "\"");
            OutputStream out = response.getOutputStream();
            MultipartResponseWriter.copyAtMost(in, out, size);
            out.flush();
        }
    }

    /** One part per requested path, in order; per-file failures are in-band {@code error} parts (HTTP 200). */
    @PostMapping("/files/bulk-download")
    public void bulkDownload(Caller caller, @PathVariable String sandboxId, @RequestBody BulkDownloadRequest body,
            HttpServletResponse response) throws IOException {
        if (body == null || body.paths() == null || body.paths().isEmpty()) {
            throw ToolboxException.badRequest("paths is required");
        }
        Target t = targets.resolve(caller, sandboxId);
        try (var permit = longOps.begin(caller)) {
            SandboxUser user = body.paths().stream().allMatch(p -> p != null && p.startsWith("/")) ? null
                    : users.of(t);
            MultipartResponseWriter w = new MultipartResponseWriter(response.getOutputStream());
            response.setStatus(200);
            response.setContentType(w.contentType());
            for (String requested : body.paths()) {
                ReadStream in;
                try {
                    in = t.agent().openRead(user == null ? SandboxUser.requirePath(requested)
                            : user.resolve(requested));
                } catch (AgentException e) {
                    w.errorPart(String.valueOf(requested), errors.json(AgentErrors.translate(e)));
                    continue;
                } catch (ToolboxException e) {
                    w.errorPart(String.valueOf(requested), errors.json(e));
                    continue;
                }
                try (in) {
                    w.filePart(requested, in.info().size(), in);
                }
            }
            w.finish();
        }
    }
}
