package dev.berth.server.toolbox.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Writes a {@code multipart/form-data} response part by part, as the SDK's busboy parser reads it: one
 * {@code file} part per path (filename = the exact requested path) or an {@code error} part with a JSON body.
 * A failure in the middle of a part leaves the closing boundary out, so the client sees a truncated form
 * rather than a short file.
 */
final class MultipartResponseWriter {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int COPY_BUFFER = 64 * 1024;

    private final OutputStream out;
    private final String boundary;

    MultipartResponseWriter(OutputStream out) {
        this.out = out;
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        this.boundary = "berth-" + HexFormat.of().formatHex(b);
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** Copies at most {@code length} bytes of {@code data} (the size the file had when it was opened). */
    void filePart(String fileName, long length, InputStream data) throws IOException {
        header("file", fileName, "application/octet-stream", length);
        copyAtMost(data, out, length);
        out.write(crlf());
    }

    /** Copies at most {@code length} bytes, stopping early at the end of {@code data}. */
    static void copyAtMost(InputStream data, OutputStream out, long length) throws IOException {
        byte[] buf = new byte[COPY_BUFFER];
        long left = length;
        while (left > 0) {
            int n = data.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    void errorPart(String fileName, byte[] json) throws IOException {
        header("error", fileName, "application/json", json.length);
        out.write(json);
        out.write(crlf());
    }

    void finish() throws IOException {
        out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void header(String name, String fileName, String contentType, long length) throws IOException {
        String h = "--" + boundary + "\r\n"
                + "Content-Disposition: " + disposition(name, fileName) + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + length + "\r\n\r\n";
        out.write(h.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code form-data; name="..."; filename="<path>"}, plus {@code filename*=UTF-8''<percent-encoded path>}
     * (RFC 5987) when the path is not plain ASCII: busboy decodes header parameters as latin1 and would mangle
     * raw UTF-8, but it prefers {@code filename*}, which comes back as the exact path. The quoted
     * {@code filename} stays for clients that do not read the extended form.
     */
    static String disposition(String name, String fileName) {
        String d = "form-data; name=\"" + name + "\"; filename=\"" + quote(fileName) + "\"";
        if (!fileName.chars().allMatch(c -> c < 0x80)) {
            d += "; filename*=UTF-8''" + extValue(fileName);
        }
        return d;
    }

    /** RFC 5987 ext-value encoding: attr-chars as they are, every other UTF-8 byte as %XX. */
    static String extValue(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }

    /** Quoted-string escaping; CR/LF cannot appear in a header and are percent-encoded. */
    static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "%0D").replace("\n", "%0A");
    }

    private static byte[] crlf() {
        return new byte[] {'\r', '\n'};
    }
}
