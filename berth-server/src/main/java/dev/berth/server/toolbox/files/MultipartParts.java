package dev.berth.server.toolbox.files;

import dev.berth.server.toolbox.ToolboxException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;

/**
 * Reads a multipart request body as a stream, one part at a time: each part's data is handed to the caller
 * as an {@link InputStream} read straight from the request, so a file of any size passes through in the
 * parser's small buffer. (Spring's multipart resolution is disabled: it would buffer parts first.)
 */
final class MultipartParts {

    /** Text fields (paths) are small; a larger one is an error, not something to buffer. */
    static final int MAX_FIELD_BYTES = 16 * 1024;
    static final int MAX_PARTS = 100_000;

    interface PartHandler {
        /** Called for each part in order; {@code data} is valid only during the call. */
        void part(String fieldName, String fileName, InputStream data) throws IOException;
    }

    private MultipartParts() {
    }

    static void read(HttpServletRequest request, PartHandler handler) throws IOException {
        if (!JakartaServletFileUpload.isMultipartContent(request)) {
            throw ToolboxException.badRequest("expected a multipart/form-data body");
        }
        JakartaServletFileUpload<DiskFileItem, DiskFileItemFactory> upload = new JakartaServletFileUpload<>();
        upload.setMaxSize(-1);
        upload.setMaxFileSize(-1);
        upload.setMaxFileCount(MAX_PARTS);
        try {
            FileItemInputIterator it = upload.getItemIterator(request);
            while (it.hasNext()) {
                FileItemInput item = it.next();
                try (InputStream in = item.getInputStream()) {
                    handler.part(item.getFieldName(), item.isFormField() ? null : item.getName(), in);
                }
            }
        } catch (FileUploadException e) {
            throw ToolboxException.badRequest("malformed multipart body: " + e.getMessage());
        }
    }

    static String text(InputStream in) throws IOException {
        byte[] b = in.readNBytes(MAX_FIELD_BYTES + 1);
        if (b.length > MAX_FIELD_BYTES) {
            throw ToolboxException.badRequest("multipart text field larger than " + MAX_FIELD_BYTES + " bytes");
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
