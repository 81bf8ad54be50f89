package dev.berth.server.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace the test owns, standing in for a place outside the machine: a veth pair to the host
 * ({@code 198.18.<n>.1/30} on the host, {@code .2} inside), addresses on its loopback, host routes to
 * them, and servers started inside it. Traffic never leaves the machine. {@link #close()} removes all of it.
 */
public final class TestNetns implements AutoCloseable {

    private final String name;
    private final String hostIf;
    private final List<String> routes = new ArrayList<>();
    private final List<Process> servers = new ArrayList<>();

    /** @param n a number 0..255 of this namespace's link network (198.18.n.0/30) */
    public TestNetns(String name, int n, List<String> addresses) {
        this.name = name;
        this.hostIf = "v" + name;
        close(); // leftovers of an earlier, killed run
        sh("ip", "netns", "add", name);
        sh("ip", "link", "add", hostIf, "type", "veth", "peer", "name", "vi" + name);
        sh("ip", "link", "set", "vi" + name, "netns", name);
        sh("ip", "addr", "add", "198.18." + n + ".1/30", "dev", hostIf);
        sh("ip", "link", "set", hostIf, "up");
        in("ip", "addr", "add", "198.18." + n + ".2/30", "dev", "vi" + name);
        in("ip", "link", "set", "vi" + name, "up");
        in("ip", "link", "set", "lo", "up");
        in("ip", "route", "add", "default", "via", "198.18." + n + ".1");
        for (String a : addresses) {
            in("ip", "addr", "add", a + "/32", "dev", "lo");
            sh("ip", "route", "replace", a + "/32", "via", "198.18." + n + ".2");
            routes.add(a + "/32");
        }
    }

    /** A TCP server on {@code addr:port} that answers every connection with {@code reply} and a newline. */
    public void tcpServer(String addr, int port, String reply) {
        python("import socket\ns=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                + "s.bind(('" + addr + "'," + port + ")); s.listen(64)\n"
                + "while True:\n  c,_=s.accept(); c.sendall(b'" + reply + "\\n'); c.close()\n");
        // listening before the caller uses it (the host reaches the namespace over its route)
        org.awaitility.Awaitility.await("test server " + addr + ":" + port).atMost(java.time.Duration.ofSeconds(20))
                .pollInterval(java.time.Duration.ofMillis(50)).ignoreExceptions().until(() -> {
                    try (var sock = new java.net.Socket()) {
                        sock.connect(new java.net.InetSocketAddress(addr, port), 1000);
                        return true;
                    }
                });
    }

    /** A UDP server on {@code addr:port} that answers every datagram with {@code reply}. */
    void udpServer(String addr, int port, String reply) {
        python("import socket\ns=socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                + "s.bind(('" + addr + "'," + port + "))\n"
                + "while True:\n  d,a=s.recvfrom(2048); s.sendto(b'" + reply + "\\n', a)\n");
    }

    /** A DNS server on {@code addr:53} (UDP) that answers every A question with {@code answer} (TTL 60). */
    public void dnsServer(String addr, String answer) {
        python("import socket,struct\ns=socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                + "s.bind(('" + addr + "',53))\n"
                + "while True:\n"
                + "  d,a=s.recvfrom(512)\n"
                + "  i=12\n"
                + "  while d[i]!=0: i+=d[i]+1\n"
                + "  q=d[12:i+5]; qt=struct.unpack('>H',d[i+1:i+3])[0]\n"
                + "  ans=b'\\xc0\\x0c'+struct.pack('>HHIH',1,1,60,4)+socket.inet_aton('" + answer + "') if qt==1 else b''\n"
                + "  s.sendto(d[:2]+struct.pack('>HHHHH',0x8180,1,1 if ans else 0,0,0)+q+ans,a)\n");
    }

    private void python(String script) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", name, "python3", "-c", script)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            servers.add(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void in(String... cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
        c.addAll(List.of(cmd));
        sh(c.toArray(String[]::new));
    }

    public static String sh(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void quiet(String... cmd) {
        try {
            sh(cmd);
        } catch (IllegalStateException e) {
            // not there: nothing to remove
        }
    }

    @Override
    public void close() {
        servers.forEach(Process::destroyForcibly);
        for (String r : routes) {
            quiet("ip", "route", "del", r);
        }
        quiet("ip", "link", "del", hostIf);
        quiet("ip", "netns", "del", name);
    }
}
