package dev.berth.server.preview;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.impl.io.ChunkedInputStream;
import org.apache.hc.core5.http.impl.io.ContentLengthInputStream;
import org.apache.hc.core5.http.impl.io.DefaultHttpResponseParser;
import org.apache.hc.core5.http.impl.io.IdentityInputStream;
import org.apache.hc.core5.http.impl.io.SessionInputBufferImpl;

/**
 * HTTP/1.1 over a plain socket to 127.0.0.1, with any {@code Host}: the JDK's client refuses to set Host, and a
 * preview is chosen by it. Also the start of a WebSocket (the handshake; frames are the test's).
 */
final class RawHttp {

    private RawHttp() {
    }

    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    static Response exchange(int port, String host, String method, String path, Map<String, String> headers,
            byte[] body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(120_000);
            OutputStream out = s.getOutputStream();
            out.write(head(host, method, path, headers, body == null ? -1 : body.length).getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(s.getInputStream(), method);
        }
    }

    static String head(String host, String method, String path, Map<String, String> headers, long length) {
        StringBuilder b = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host)
                .append("\r\n");
        boolean connection = false;
        for (var e : headers.entrySet()) {
            b.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
            connection |= e.getKey().equalsIgnoreCase("Connection");
        }
        if (!connection) {
            b.append("Connection: close\r\n");
        }
        if (length >= 0) {
            b.append("Content-Length: ").append(length).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    static Response read(InputStream in, String method) throws IOException {
        SessionInputBufferImpl buf = new SessionInputBufferImpl(8192);
        ClassicHttpResponse r;
        try {
            r = new DefaultHttpResponseParser().parse(buf, in);
        } catch (HttpException e) {
            throw new IOException(e);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : r.getHeaders()) {
            headers.merge(h.getName().toLowerCase(), h.getValue(), (a, b) -> a + "\n" + b);
        }
        InputStream body;
        if ("HEAD".equals(method) || r.getCode() == 101 || r.getCode() == 204 || r.getCode() == 304) {
            return new Response(r.getCode(), headers, new byte[0]);
        } else if (headers.getOrDefault("transfer-encoding", "").contains("chunked")) {
            body = new ChunkedInputStream(buf, in);
        } else if (headers.containsKey("content-length")) {
            body = new ContentLengthInputStream(buf, in, Long.parseLong(headers.get("content-length")));
        } else {
            body = new IdentityInputStream(buf, in);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        body.transferTo(all);
        return new Response(r.getCode(), headers, all.toByteArray());
    }

    /** Reads a response head only (the rest of the stream stays with the caller); list of lines. */
    static List<String> readHeadLines(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        java.util.ArrayList<String> lines = new java.util.ArrayList<>();
        int prev = -1;
        for (int c; (c = in.read()) >= 0; ) {
            if (prev == '\r' && c == '\n') {
                byte[] l = line.toByteArray();
                String s = new String(l, 0, l.length - 1, StandardCharsets.ISO_8859_1);
                if (s.isEmpty()) {
                    return lines;
                }
                lines.add(s);
                line.reset();
                prev = -1;
                continue;
            }
            line.write(c);
            prev = c;
        }
        throw new IOException("connection ended inside a response head: " + lines);
    }
}
