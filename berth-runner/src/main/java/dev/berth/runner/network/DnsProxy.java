package dev.berth.runner.network;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The DNS server of sandboxes with a domain allow list (their port-53 UDP traffic is redirected here by the runner's
 * network rules, whatever server they ask). A question for an allowed name is forwarded to the upstream resolver, and
 * every IPv4 address of the answer is admitted for that sandbox for the answer's TTL before the answer is returned;
 * any other name gets NXDOMAIN, and a source that is no such sandbox gets REFUSED. So a sandbox reaches exactly the
 * addresses it was told for allowed names: another name pointing at the same address does not open it, and an
 * address it was never told is not reachable.
 */
final class DnsProxy implements AutoCloseable {

    /** Who asks: the sandbox at a source address, with its policy. */
    record Asker(String sandboxId, dev.berth.core.network.NetworkPolicy policy) {
    }

    /** Admits {@code address} for the sandbox for {@code seconds}. */
    interface Admission {
        void admit(String sandboxId, String address, long seconds);
    }

    /** Shortest admission: a TTL of 0 must still let the connection that follows the answer start. */
    static final long MIN_SECONDS = 5;

    private static final Logger log = LoggerFactory.getLogger(DnsProxy.class);

    private final DatagramSocket socket;
    private final InetSocketAddress upstream;
    private final Function<String, Optional<Asker>> askers;
    private final Admission admission;
    /** Longest admission: an upstream's (or a forger's) huge TTL does not keep an address open for days. */
    static final long MAX_SECONDS = 300;

    /** Bounded: a flood of questions is dropped (the askers retry), not queued without end. */
    private final ExecutorService workers = new java.util.concurrent.ThreadPoolExecutor(4, 4, 0,
            java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.ArrayBlockingQueue<>(256), r -> {
                Thread t = new Thread(r, "dns-proxy");
                t.setDaemon(true);
                return t;
            }, new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());
    private final Thread receiver;

    DnsProxy(InetAddress bind, InetSocketAddress upstream, Function<String, Optional<Asker>> askers,
            Admission admission) throws SocketException {
        this.socket = new DatagramSocket(new InetSocketAddress(bind, 0));
        this.upstream = upstream;
        this.askers = askers;
        this.admission = admission;
        this.receiver = new Thread(this::receive, "dns-proxy-receiver");
        receiver.setDaemon(true);
        receiver.start();
        log.info("sandbox DNS proxy on {}:{}, upstream {}", bind.getHostAddress(), port(), upstream);
    }

    int port() {
        return socket.getLocalPort();
    }

    private void receive() {
        while (!socket.isClosed()) {
            byte[] buf = new byte[1500];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    log.warn("DNS proxy receive: {}", e.getMessage());
                }
                continue;
            }
            byte[] q = java.util.Arrays.copyOf(p.getData(), p.getLength());
            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
            workers.execute(() -> answer(q, from));
        }
    }

    private void answer(byte[] query, InetSocketAddress from) {
        Message q;
        try {
            q = new Message(query);
        } catch (IOException e) {
            return; // not DNS: nothing to answer
        }
        Record question = q.getQuestion();
        Optional<Asker> asker = askers.apply(from.getAddress().getHostAddress());
        try {
            if (question == null || asker.isEmpty()) {
                reply(error(q, Rcode.REFUSED), from);
                return;
            }
            String name = question.getName().toString(true).toLowerCase(Locale.ROOT);
            if (!allowed(question.getName(), asker.get().policy().domains())) {
                log.debug("sandbox {}: DNS name {} is not allowed", asker.get().sandboxId(), name);
                reply(error(q, Rcode.NXDOMAIN), from);
                return;
            }
            byte[] resp = forward(query);
            Message r = new Message(resp);
            // only the upstream's answer to this very question is believed (the socket is connected to it, too)
            if (r.getHeader().getID() != q.getHeader().getID() || r.getQuestion() == null
                    || !r.getQuestion().equals(question)) {
                reply(error(q, Rcode.SERVFAIL), from);
                return;
            }
            for (Record rec : r.getSection(Section.ANSWER)) {
                if (rec instanceof ARecord a) {
                    admission.admit(asker.get().sandboxId(), a.getAddress().getHostAddress(),
                            Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, rec.getTTL())));
                }
            }
            reply(resp, from);
        } catch (SocketTimeoutException e) {
            reply(error(q, Rcode.SERVFAIL), from);
        } catch (IOException | RuntimeException e) {
            log.warn("DNS proxy: a question from {} failed: {}", from, e.toString());
            reply(error(q, Rcode.SERVFAIL), from);
        }
    }

    private byte[] forward(byte[] query) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(2000);
            s.connect(upstream); // datagrams from anywhere else are not received
            s.send(new DatagramPacket(query, query.length, upstream));
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            return java.util.Arrays.copyOf(p.getData(), p.getLength());
        }
    }

    /**
     * Whether {@code name} is one of {@code domains}, compared as DNS names (label by label, case-insensitively; an
     * escaped dot inside a label is not a label boundary): {@code *.example.com} is any name below example.com.
     */
    static boolean allowed(org.xbill.DNS.Name name, java.util.List<String> domains) {
        for (String d : domains) {
            try {
                if (d.startsWith("*.")) {
                    var base = org.xbill.DNS.Name.fromString(d.substring(2) + ".");
                    if (name.subdomain(base) && !name.equals(base)) {
                        return true;
                    }
                } else if (name.equals(org.xbill.DNS.Name.fromString(d + "."))) {
                    return true;
                }
            } catch (org.xbill.DNS.TextParseException e) {
                // validated when the policy was set: cannot happen
            }
        }
        return false;
    }

    private static byte[] error(Message q, int rcode) {
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(org.xbill.DNS.Flags.QR);
        r.getHeader().setFlag(org.xbill.DNS.Flags.RA);
        r.getHeader().setRcode(rcode);
        if (q.getQuestion() != null) {
            r.addRecord(q.getQuestion(), Section.QUESTION);
        }
        return r.toWire();
    }

    private void reply(byte[] data, InetSocketAddress to) {
        try {
            socket.send(new DatagramPacket(data, data.length, to));
        } catch (IOException e) {
            log.debug("DNS proxy reply to {}: {}", to, e.getMessage());
        }
    }

    @Override
    public void close() {
        socket.close();
        workers.shutdownNow();
    }
}
