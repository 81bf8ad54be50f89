package dev.berth.runner.docker;

import dev.berth.core.error.EngineException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code POST /images/create?fromSrc=-} with a rootfs tarball as a sized body. docker-java's
 * zerodep transport streams this endpoint's body in a way dockerd 20.10 rejects ("unexpected
 * EOF"), so this one call is made directly over the engine's unix socket with a Content-Length.
 */
final class DockerImageImport {

    private DockerImageImport() {
    }

    static void importTar(String dockerHost, Path tar, String repo, String tag) throws IOException {
        if (!dockerHost.startsWith("unix://")) {
            throw new EngineException("image import needs a unix:// engine socket, got " + dockerHost);
        }
        Path socket = Path.of(dockerHost.substring("unix://".length()));
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                FileChannel file = FileChannel.open(tar, StandardOpenOption.READ)) {
            long size = file.size();
            String head = "POST /images/create?fromSrc=-&repo=" + URLEncoder.encode(repo, StandardCharsets.UTF_8)
                    + "&tag=" + URLEncoder.encode(tag, StandardCharsets.UTF_8) + " HTTP/1.1\r\n"
                    + "Host: docker\r\nContent-Type: application/x-tar\r\nContent-Length: " + size + "\r\n"
                    + "Connection: close\r\n\r\n";
            ByteBuffer hb = ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII));
            while (hb.hasRemaining()) {
                ch.write(hb);
            }
            long sent = 0;
            while (sent < size) {
                sent += file.transferTo(sent, size - sent, ch);
            }
            InputStream in = Channels.newInputStream(ch);
            ByteArrayOutputStream resp = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            // the engine answers with a short progress stream; cap what we keep
            while ((n = in.read(buf)) > 0 && resp.size() < 1 << 20) {
                resp.write(buf, 0, n);
            }
            String text = resp.toString(StandardCharsets.UTF_8);
            if (!text.startsWith("HTTP/1.1 200") || text.contains("\"errorDetail\"") || text.contains("\"error\"")) {
                int cut = Math.min(text.length(), 500);
                throw new EngineException("engine refused the import of " + tar + ": " + text.substring(0, cut));
            }
        }
    }
}
