package dev.berth.server.limits;

import dev.berth.core.error.ErrorCode;
import dev.berth.server.api.Problems;
import dev.berth.server.api.RequestIds;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses JSON request bodies over {@code berth.limits.max-json-body} with 413 before anything parses them (a
 * 50 MB body used to be parsed into the heap). A declared Content-Length is checked up front; a chunked body
 * is read up to the limit (Jackson would hold it whole anyway) and replayed. Multipart uploads are streamed
 * to the sandbox and are not JSON, so they are not counted.
 */
@Component
@Order(3) // after authentication: an anonymous caller never gets a body buffered
public class JsonBodyLimitFilter extends OncePerRequestFilter {

    private final LimitProperties props;
    private final JsonMapper json;

    public JsonBodyLimitFilter(LimitProperties props, JsonMapper json) {
        this.props = props;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).contains("json")) {
            chain.doFilter(req, res);
            return;
        }
        long max = props.maxJsonBody().toBytes();
        long declared = req.getContentLengthLong();
        if (declared > max) {
            refuse(req, res, max);
            return;
        }
        if (declared >= 0) {
            chain.doFilter(req, res); // Tomcat never reads past a declared length
            return;
        }
        byte[] body = req.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (body.length > max) {
            refuse(req, res, max);
            return;
        }
        chain.doFilter(new Replayed(req, body), res);
    }

    private void refuse(HttpServletRequest req, HttpServletResponse res, long max) throws IOException {
        var pd = Problems.of(ErrorCode.PAYLOAD_TOO_LARGE, "JSON request bodies are limited to " + max
                + " bytes (berth.limits.max-json-body); upload files with the multipart file routes",
                RequestIds.current(req));
        pd.setProperty("limit", max);
        res.setHeader("Connection", "close"); // the unread rest of the body is not worth draining
        Problems.write(res, json, pd);
    }

    /** The request with its already-read body. */
    private static final class Replayed extends HttpServletRequestWrapper {

        private final byte[] body;

        Replayed(HttpServletRequest req, byte[] body) {
            super(req);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    // the whole body is in memory: it is available at once, and then all read
                    try {
                        listener.onDataAvailable();
                        listener.onAllDataRead();
                    } catch (IOException e) {
                        listener.onError(e);
                    }
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            Charset charset = StandardCharsets.UTF_8;
            try {
                if (getCharacterEncoding() != null) {
                    charset = Charset.forName(getCharacterEncoding());
                }
            } catch (IllegalArgumentException e) {
                // an unknown or illegal charset from the client: read as UTF-8 rather than fail with a 500
            }
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }
}
