package dev.berth.runner.network;

import dev.berth.core.error.EngineException;
import dev.berth.core.network.Cidr;
import dev.berth.core.network.NetworkPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Egress rules for the sandboxes of one engine bridge, in an nftables table of their own ({@code inet
 * berth_<bridge>}), outside every sandbox's reach (a sandbox has neither NET_ADMIN nor NET_RAW, so it can neither
 * change its address nor forge another's). What every sandbox gets:
 * <ul>
 * <li>nothing to the host itself (its databases, the engine, the runner): the input hook drops what comes in from
 * the bridge, replies to connections the host opened aside;</li>
 * <li>nothing to the operator's denied networks (link-local/metadata and private ranges by default), except DNS to
 * the resolvers the engine hands containers;</li>
 * <li>nothing to other sandboxes (the engine's own inter-container and inter-bridge rules).</li>
 * </ul>
 * A sandbox with a policy of its own has a chain {@code sb_<id>} reached through a verdict map keyed by its address:
 * block-all drops everything, an allow list accepts exactly its networks. Changes are nft transactions, applied
 * atomically; the kernel keeps them across runner restarts.
 */
public final class NetworkGuard {

    private static final Logger log = LoggerFactory.getLogger(NetworkGuard.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String table;
    private final String iface;
    private final List<Cidr> denied;
    private final List<String> resolvers;
    private final String nft;
    /** When this process last wrote each address's entry (System.nanoTime), so a pass never undoes a newer apply. */
    private final java.util.Map<String, Long> appliedAt = new java.util.HashMap<>();

    /** The DNS server of sandboxes with a domain allow list; null where no upstream resolver is known. */
    private volatile DnsProxy dns;
    private String gateway;
    /** Sandboxes with a domain allow list by address, as the DNS proxy looks them up. */
    private final java.util.concurrent.ConcurrentHashMap<String, DnsProxy.Asker> askers =
            new java.util.concurrent.ConcurrentHashMap<>();

    public NetworkGuard(String iface, List<Cidr> denied, List<String> resolvers, String nftBinary) {
        if (!iface.matches("[A-Za-z0-9_.-]{1,15}")) {
            throw new IllegalArgumentException("bridge interface name " + iface);
        }
        this.iface = iface;
        this.table = "berth_" + iface.replaceAll("[^A-Za-z0-9_]", "_");
        this.denied = List.copyOf(denied);
        this.resolvers = List.copyOf(resolvers);
        this.nft = nftBinary;
    }

    /**
     * A guard for the engine network sandboxes join, or empty (with the reason logged) where policies cannot be
     * enforced: no nft on the host, no bridge behind the network. Resolvers are the IPv4 name servers of the host's
     * /etc/resolv.conf that are not loopback (the engine hands those to containers).
     */
    public static java.util.Optional<NetworkGuard> discover(dev.berth.runner.engine.ContainerEngine engine,
            String network, List<Cidr> denied, String dnsUpstream, List<Integer> hostPorts) {
        var bridge = engine.bridge(network);
        if (bridge.isEmpty()) {
            log.warn("network policies are not enforced: engine network '{}' has no bridge interface", network);
            return java.util.Optional.empty();
        }
        String nft = java.util.stream.Stream.of("/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft")
                .filter(p -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(p))).findFirst().orElse(null);
        if (nft == null) {
            log.warn("network policies are not enforced: nft not found (install Debian's nftables package)");
            return java.util.Optional.empty();
        }
        List<String> resolvers = resolvers();
        List<Cidr> all = new ArrayList<>(denied);
        try {
            all.add(Cidr.parse("the engine bridge's subnet", bridge.get().subnet())); // the bridge itself, always
        } catch (RuntimeException e) {
            log.warn("engine bridge subnet {} not understood: {}", bridge.get().subnet(), e.getMessage());
        }
        var g = new NetworkGuard(bridge.get().iface(), all, resolvers, nft);
        if (hostPorts != null && !hostPorts.isEmpty() && bridge.get().gateway() != null) {
            g.allowHostPorts(bridge.get().gateway(), hostPorts);
        }
        String up = dnsUpstream == null || dnsUpstream.isBlank() ? (resolvers.isEmpty() ? null : resolvers.get(0))
                : dnsUpstream.trim();
        if (up == null || bridge.get().gateway() == null) {
            log.warn("domain allow lists are not enforced: no DNS upstream (set berth.network.dns-upstream / "
                    + "--dns-upstream, or a nameserver in /etc/resolv.conf)");
        } else {
            int colon = up.lastIndexOf(':');
            var addr = colon > 0 ? new InetSocketAddress(up.substring(0, colon), Integer.parseInt(up.substring(colon + 1)))
                    : new InetSocketAddress(up, 53);
            g.enableDomainLists(bridge.get().gateway(), addr);
        }
        return java.util.Optional.of(g);
    }

    static List<String> resolvers() {
        List<String> out = new ArrayList<>();
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/etc/resolv.conf"))) {
                String[] w = line.trim().split("\\s+");
                if (w.length >= 2 && w[0].equals("nameserver") && w[1].matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")
                        && !w[1].startsWith("127.")) {
                    out.add(w[1]);
                }
            }
        } catch (IOException e) {
            log.info("no /etc/resolv.conf ({}): no resolver is exempt from the denied networks", e.getMessage());
        }
        return out;
    }

    /**
     * Starts the DNS proxy on the bridge's gateway address (an ephemeral port; the rules redirect port 53 to it), so
     * domain allow lists can be enforced. Without it they are refused.
     */
    public synchronized void enableDomainLists(String gatewayAddress, InetSocketAddress upstream) {
        try {
            this.gateway = gatewayAddress;
            this.dns = new DnsProxy(java.net.InetAddress.getByName(gatewayAddress), upstream,
                    ip -> java.util.Optional.ofNullable(askers.get(ip)), this::admit);
        } catch (IOException e) {
            log.warn("domain allow lists are not enforced: the DNS proxy cannot listen on {} ({})", gatewayAddress,
                    e.getMessage());
        }
    }

    private volatile List<Integer> hostPorts = List.of();

    /**
     * TCP ports of the host, on the bridge's gateway address, that every sandbox may reach (e.g. the Berth API's,
     * for code in sandboxes that calls it); none by default. Takes effect at the next {@link #install()}.
     */
    public void allowHostPorts(String gatewayAddress, List<Integer> ports) {
        for (int p : ports) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("host port " + p + " is not a TCP port");
            }
        }
        this.gateway = gatewayAddress;
        this.hostPorts = List.copyOf(ports);
    }

    public boolean enforcesDomainLists() {
        return dns != null;
    }

    /** The DNS proxy's go-ahead: the sandbox may reach {@code address} for {@code seconds}. */
    private void admit(String sandboxId, String address, long seconds) {
        if (!address.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            return;
        }
        // (adding an element that is there renews its timeout)
        run("add element inet " + table + " " + dnsSetOf(sandboxId) + " { " + address + " timeout " + seconds + "s }\n");
    }

    static String dnsSetOf(String sandboxId) {
        return "d_" + sandboxId.replaceAll("[^A-Za-z0-9]", "");
    }

    public String table() {
        return table;
    }

    /** Creates or refreshes the table, its sets and the rules every sandbox gets; sandboxes' own chains are kept. */
    public synchronized void install() {
        StringBuilder s = new StringBuilder();
        String t = "inet " + table;
        s.append("add table ").append(t).append('\n');
        s.append("add set ").append(t).append(" denied { type ipv4_addr; flags interval; auto-merge; }\n");
        s.append("add set ").append(t).append(" resolvers { type ipv4_addr; }\n");
        s.append("add map ").append(t).append(" sandboxes { type ipv4_addr : verdict; }\n");
        s.append("add chain ").append(t).append(" defaults\n");
        s.append("add chain ").append(t).append(" forward { type filter hook forward priority -10; policy accept; }\n");
        s.append("add chain ").append(t).append(" input { type filter hook input priority -10; policy accept; }\n");
        s.append("add map ").append(t).append(" dnsredirect { type ipv4_addr : ipv4_addr . inet_service; }\n");
        s.append("add set ").append(t).append(" dnssources { type ipv4_addr; }\n");
        s.append("add chain ").append(t).append(" dns { type nat hook prerouting priority dstnat - 5; policy accept; }\n");
        for (String c : List.of("forward", "input", "defaults", "dns")) {
            s.append("flush chain ").append(t).append(' ').append(c).append('\n');
        }
        s.append("flush set ").append(t).append(" denied\n");
        s.append("flush set ").append(t).append(" resolvers\n");
        if (!denied.isEmpty()) {
            s.append("add element ").append(t).append(" denied { ")
                    .append(String.join(", ", denied.stream().map(Cidr::toString).toList())).append(" }\n");
        }
        if (!resolvers.isEmpty()) {
            s.append("add element ").append(t).append(" resolvers { ").append(String.join(", ", resolvers)).append(" }\n");
            s.append("add rule ").append(t).append(" defaults ip daddr @resolvers meta l4proto { tcp, udp } th dport 53 accept\n");
        }
        s.append("add rule ").append(t).append(" defaults ip daddr @denied drop\n");
        // sandboxes have IPv4 only: whatever IPv6 a kernel would forward for them (link-local addresses exist on
        // every veth) never leaves, so no policy has to think about it
        s.append("add rule ").append(t).append(" forward iifname \"").append(iface).append("\" meta nfproto ipv6 drop\n");
        s.append("add rule ").append(t).append(" forward iifname \"").append(iface).append("\" ip saddr vmap @sandboxes\n");
        s.append("add rule ").append(t).append(" forward iifname \"").append(iface).append("\" jump defaults\n");
        s.append("add rule ").append(t).append(" input iifname \"").append(iface)
                .append("\" ct state established,related accept\n");
        var proxy = dns;
        if (proxy != null) {
            // a domain-listed sandbox's DNS (UDP 53 to any server) goes to the proxy, the only host port it reaches
            s.append("add rule ").append(t).append(" dns iifname \"").append(iface)
                    .append("\" meta l4proto udp th dport 53 dnat ip to ip saddr map @dnsredirect\n");
            s.append("add rule ").append(t).append(" input iifname \"").append(iface)
                    .append("\" ip saddr @dnssources ip daddr ").append(gateway).append(" udp dport ")
                    .append(proxy.port()).append(" accept\n");
        }
        if (!hostPorts.isEmpty() && gateway != null) {
            // a sandbox with a policy of its own decides first (block-all and allow lists close these ports too)
            s.append("add rule ").append(t).append(" input iifname \"").append(iface)
                    .append("\" ip saddr vmap @sandboxes\n");
            s.append("add rule ").append(t).append(" input iifname \"").append(iface).append("\" ip daddr ")
                    .append(gateway).append(" tcp dport { ")
                    .append(String.join(", ", hostPorts.stream().map(String::valueOf).toList())).append(" } accept\n");
        }
        s.append("add rule ").append(t).append(" input iifname \"").append(iface).append("\" drop\n");
        run(s.toString());
        log.info("network guard on {}: table inet {}, denied {}, resolvers {}", iface, table, denied, resolvers);
    }

    /**
     * Puts {@code policy} in force for the sandbox at {@code ip}: its own chain when the policy restricts it, none
     * otherwise; whatever the map held for that address or that sandbox before goes in the same transaction. An
     * unrestricted policy with nothing to clear takes one nft call ({@link #openScript}), anything else a listing
     * first.
     */
    public synchronized void apply(String sandboxId, String ip, NetworkPolicy policy) {
        if (!ip.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            throw new EngineException("sandbox " + sandboxId + " has no IPv4 address the network guard can use: " + ip);
        }
        if (!policy.restricted() && !hasAskers(sandboxId, ip) && tryRun(openScript(sandboxId, ip))) {
            return;
        }
        String chain = chainOf(sandboxId);
        String t = "inet " + table;
        StringBuilder s = new StringBuilder();
        removals(s, sandboxId, ip);
        boolean domains = !policy.blockAll() && !policy.domains().isEmpty();
        var proxy = dns;
        if (domains && proxy == null) {
            throw new dev.berth.core.error.UnprocessableException("domainAllowList is not enforced on this runner (no "
                    + "DNS upstream for its proxy); use networkAllowList");
        }
        if (policy.restricted()) {
            s.append("add chain ").append(t).append(' ').append(chain).append('\n');
            s.append("flush chain ").append(t).append(' ').append(chain).append('\n');
            if (!policy.blockAll() && (!policy.allow().isEmpty() || domains)) {
                s.append("add rule ").append(t).append(' ').append(chain).append(" ip daddr @denied drop\n");
            }
            if (!policy.blockAll() && !policy.allow().isEmpty()) {
                s.append("add rule ").append(t).append(' ').append(chain).append(" ip daddr { ")
                        .append(String.join(", ", policy.allow().stream().map(Cidr::toString).toList()))
                        .append(" } accept\n");
            }
            if (domains) {
                s.append("add set ").append(t).append(' ').append(dnsSetOf(sandboxId))
                        .append(" { type ipv4_addr; flags timeout; }\n");
                // what an earlier list admitted goes: the new list's names are looked up afresh
                s.append("flush set ").append(t).append(' ').append(dnsSetOf(sandboxId)).append('\n');
                s.append("add element ").append(t).append(" dnssources { ").append(ip).append(" }\n");
                s.append("add rule ").append(t).append(' ').append(chain).append(" ip daddr @")
                        .append(dnsSetOf(sandboxId)).append(" accept\n");
                s.append("add element ").append(t).append(" dnsredirect { ").append(ip).append(" : ").append(gateway)
                        .append(" . ").append(proxy.port()).append(" }\n");
            }
            s.append("add rule ").append(t).append(' ').append(chain).append(" drop\n");
            s.append("add element ").append(t).append(" sandboxes { ").append(ip).append(" : jump ").append(chain)
                    .append(" }\n");
            appliedAt.put(ip, System.nanoTime());
        } else {
            s.append("add chain ").append(t).append(' ').append(chain).append('\n');
            s.append("delete chain ").append(t).append(' ').append(chain).append('\n');
        }
        if (!domains) {
            dropDnsSet(s, sandboxId);
        }
        run(s.toString());
        askers.values().removeIf(a -> a.sandboxId().equals(sandboxId));
        askers.remove(ip);
        if (domains) {
            askers.put(ip, new DnsProxy.Asker(sandboxId, policy));
        }
    }

    /**
     * The one transaction that puts an unrestricted sandbox at {@code ip} in force without listing the table first
     * (the common start: one nft call instead of two). It holds only when there is nothing to clear: adding an entry
     * for the address that is already there with another verdict or target fails ("File exists"), and so does
     * deleting the sandbox's chain while any address still leads to it ("Device or resource busy"); either failure
     * changes nothing, and the caller then takes the listing path. An address in {@code dnssources} is removed.
     */
    private String openScript(String sandboxId, String ip) {
        StringBuilder s = new StringBuilder();
        addThenDelete(s, "sandboxes", ip + " : drop", ip);
        addThenDelete(s, "dnsredirect", ip + " : 0.0.0.0 . 0", ip);
        addThenDelete(s, "dnssources", ip, ip);
        dropChainAndDnsSet(s, sandboxId);
        return s.toString();
    }

    /**
     * Adds an element and deletes it by {@code key}: nothing when the key was absent, the element gone when a set held
     * it, and a refused transaction ("File exists") when a map holds the key with other data.
     */
    private void addThenDelete(StringBuilder s, String mapOrSet, String element, String key) {
        String t = "inet " + table;
        s.append("add element ").append(t).append(' ').append(mapOrSet).append(" { ").append(element).append(" }\n");
        s.append("delete element ").append(t).append(' ').append(mapOrSet).append(" { ").append(key).append(" }\n");
    }

    /** The sandbox's chain and its set of admitted addresses go, whether or not they exist (refused while in use). */
    private void dropChainAndDnsSet(StringBuilder s, String sandboxId) {
        String t = "inet " + table;
        s.append("add chain ").append(t).append(' ').append(chainOf(sandboxId)).append('\n');
        s.append("delete chain ").append(t).append(' ').append(chainOf(sandboxId)).append('\n');
        dropDnsSet(s, sandboxId);
    }

    /** Whether the DNS proxy answers for this sandbox, or for {@code ip} (null: any address): the listing path then. */
    private boolean hasAskers(String sandboxId, String ip) {
        return (ip != null && askers.containsKey(ip))
                || askers.values().stream().anyMatch(a -> a.sandboxId().equals(sandboxId));
    }

    /** The sandbox's set of admitted addresses goes (after the chain that used it, in the same transaction). */
    private void dropDnsSet(StringBuilder s, String sandboxId) {
        String t = "inet " + table;
        s.append("add set ").append(t).append(' ').append(dnsSetOf(sandboxId))
                .append(" { type ipv4_addr; flags timeout; }\n");
        s.append("delete set ").append(t).append(' ').append(dnsSetOf(sandboxId)).append('\n');
    }

    /**
     * Puts back what the kernel lost or never got: {@code running} maps each running sandbox to its address and
     * recorded policy; a restricted one whose address does not lead to its chain is applied again, and an address
     * that leads to a chain without being a restricted sandbox's (reused, or left by a crash) is removed unless a
     * container of another runner on the same engine holds it ({@code othersAddresses}); before anything is applied
     * again, {@code stillAt} confirms the sandbox still runs at that address (the listing may be older). A missing
     * table is installed first. Called on every inventory pass: one nft listing when nothing is wrong.
     */
    public synchronized void reconcile(java.util.Map<String, java.util.Map.Entry<String, NetworkPolicy>> running,
            java.util.Set<String> othersAddresses, long listedAtNanos,
            java.util.function.BiPredicate<String, String> stillAt) {
        Listing now = listing();
        java.util.Map<String, String> current = now.verdicts();
        java.util.Set<String> wanted = new java.util.HashSet<>();
        java.util.Set<String> redirected = now.redirects();
        running.forEach((id, at) -> {
            if (at.getValue().restricted()) {
                wanted.add(at.getKey());
                boolean domains = !at.getValue().blockAll() && !at.getValue().domains().isEmpty();
                boolean dnsMissing = domains
                        && (!redirected.contains(at.getKey()) || !askers.containsKey(at.getKey()));
                boolean chainMissing = !chainOf(id).equals(current.get(at.getKey()));
                if (!dnsMissing && !chainMissing) {
                    return;
                }
                if (!stillAt.test(id, at.getKey())) {
                    // the listing is older than a stop (and maybe a new sandbox at this address): not ours to touch
                    return;
                }
                try {
                    log.warn("sandbox {}: its network policy{} was not in force on {}; applying it again", id,
                            dnsMissing ? " (DNS redirection)" : "", iface);
                    apply(id, at.getKey(), at.getValue());
                } catch (RuntimeException e) {
                    // one sandbox's failure must not leave the others open: this one gets nothing at all
                    log.warn("sandbox {}: its network policy cannot be applied ({}); blocking all its traffic", id,
                            e.getMessage());
                    apply(id, at.getKey(), NetworkPolicy.BLOCK_ALL);
                }
            }
        });
        redirected.forEach(ip -> {
            Long applied = appliedAt.get(ip);
            if (!wanted.contains(ip) && !othersAddresses.contains(ip) && (applied == null || applied < listedAtNanos)) {
                askers.remove(ip);
                run("delete element inet " + table + " dnsredirect { " + ip + " }\n"
                        + (now.dnsSources().contains(ip) ? "delete element inet " + table + " dnssources { " + ip
                                + " }\n" : ""));
            }
        });
        current.forEach((ip, chain) -> {
            Long applied = appliedAt.get(ip);
            // another runner's sandbox on the same engine (tests, a shared host) is that runner's business
            if (!wanted.contains(ip) && !othersAddresses.contains(ip) && (applied == null || applied < listedAtNanos)) {
                // (an entry made after the inventory was listed belongs to a sandbox the listing did not see yet)
                appliedAt.remove(ip);
                log.info("removing a stale network rule for {} ({})", ip, chain);
                run("delete element inet " + table + " sandboxes { " + ip + " }\n");
            }
        });
    }

    /** Removes the sandbox's chain and every map entry that leads to it (it stopped, or is gone). */
    public synchronized void release(String sandboxId) {
        if (!hasAskers(sandboxId, null)) {
            // without a listing: deleting the chain fails, changing nothing, while any address still leads to it;
            // a table without its verdict map (so without the rules that use it) fails too and is installed again
            StringBuilder quick = new StringBuilder();
            addThenDelete(quick, "sandboxes", "0.0.0.0 : drop", "0.0.0.0");
            dropChainAndDnsSet(quick, sandboxId);
            if (tryRun(quick.toString())) {
                return;
            }
        }
        StringBuilder s = new StringBuilder();
        removals(s, sandboxId, null);
        dropChainAndDnsSet(s, sandboxId);
        run(s.toString());
        askers.values().removeIf(a -> a.sandboxId().equals(sandboxId));
    }

    /** Map entries for {@code ip} (any sandbox: an address is reused) or leading to this sandbox's chain. */
    private void removals(StringBuilder s, String sandboxId, String ip) {
        String chain = chainOf(sandboxId);
        Listing now = listing();
        java.util.Set<String> mine = new java.util.HashSet<>();
        now.verdicts().forEach((addr, target) -> {
            if (addr.equals(ip) || target.equals(chain)) {
                s.append("delete element inet ").append(table).append(" sandboxes { ").append(addr).append(" }\n");
                mine.add(addr);
            }
        });
        askers.forEach((addr, a) -> {
            if (a.sandboxId().equals(sandboxId)) {
                mine.add(addr);
            }
        });
        if (ip != null) {
            mine.add(ip);
        }
        for (String addr : now.redirects()) {
            if (mine.contains(addr)) {
                s.append("delete element inet ").append(table).append(" dnsredirect { ").append(addr).append(" }\n");
            }
        }
        for (String addr : now.dnsSources()) {
            if (mine.contains(addr)) {
                s.append("delete element inet ").append(table).append(" dnssources { ").append(addr).append(" }\n");
            }
        }
    }

    /** What the table holds, from one listing: the verdict map (address to chain), the DNS redirections and sources. */
    record Listing(java.util.Map<String, String> verdicts, java.util.Set<String> redirects,
            java.util.Set<String> dnsSources) {
    }

    /**
     * One {@code nft -j list table}. A table that is gone or lacks its map (the engine's stop removes it, a reboot
     * empties the kernel's) is installed again first: it then holds no entry.
     */
    Listing listing() {
        Listing l = tryListing();
        if (l == null) {
            log.info("network guard table inet {} is missing or incomplete; installing it again", table);
            install();
            l = tryListing();
            if (l == null) {
                throw new EngineException("the network guard's table is still missing after installing it");
            }
        }
        return l;
    }

    private Listing tryListing() {
        String out;
        try {
            out = exec(List.of(nft, "-j", "list", "table", "inet", table), null);
        } catch (EngineException e) {
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(out);
        } catch (IOException e) {
            throw new EngineException("nft listed the table in a form the runner cannot read: " + e.getMessage(), e);
        }
        java.util.Map<String, String> verdicts = new java.util.HashMap<>();
        java.util.Set<String> redirects = new java.util.HashSet<>();
        java.util.Set<String> sources = new java.util.HashSet<>();
        boolean hasMap = false;
        for (JsonNode n : root.path("nftables")) {
            JsonNode map = n.path("map");
            String mapName = map.path("name").asText();
            if (mapName.equals("sandboxes")) {
                hasMap = true;
            }
            for (JsonNode e : map.path("elem")) {
                if (e.isArray() && e.size() == 2 && mapName.equals("sandboxes")) {
                    verdicts.put(e.get(0).asText(), e.get(1).path("jump").path("target").asText());
                } else if (e.isArray() && e.size() == 2 && mapName.equals("dnsredirect")) {
                    redirects.add(e.get(0).asText());
                }
            }
            if (n.path("set").path("name").asText().equals("dnssources")) {
                for (JsonNode e : n.path("set").path("elem")) {
                    if (e.isTextual()) {
                        sources.add(e.asText());
                    }
                }
            }
        }
        return hasMap ? new Listing(verdicts, redirects, sources) : null;
    }

    static String chainOf(String sandboxId) {
        return "sb_" + sandboxId.replaceAll("[^A-Za-z0-9]", "");
    }

    private void run(String script) {
        exec(List.of(nft, "-f", "-"), script, false);
    }

    /** Runs a transaction that may be refused (nothing is changed then): false, logged at debug only. */
    private boolean tryRun(String script) {
        return exec(List.of(nft, "-f", "-"), script, true) != null;
    }

    /** nft processes this guard has run: a start or a removal of a sandbox with nothing to clear costs one. */
    long nftRuns() {
        return nftRuns.get();
    }

    private final java.util.concurrent.atomic.AtomicLong nftRuns = new java.util.concurrent.atomic.AtomicLong();

    private String exec(List<String> cmd, String stdin) {
        return exec(cmd, stdin, false);
    }

    /** nft's output; when it fails, null if {@code mayFail}, else an {@link EngineException}. */
    private String exec(List<String> cmd, String stdin, boolean mayFail) {
        nftRuns.incrementAndGet();
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            // read while waiting, so a hung nft is given up after 30 s and a long listing never fills the pipe
            var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new EngineException("nft did not finish within 30 s");
            }
            String text;
            try {
                text = new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                text = "";
            }
            if (p.exitValue() != 0 && mayFail) {
                // what the one-call transactions expect when there is something to clear; anything else (a refused
                // permission, a syntax an nft version does not take) is worth a warning, and the listing path runs
                List<String> errors = text.lines().filter(l -> l.contains("Error:")).toList();
                boolean expected = !errors.isEmpty() && errors.stream().allMatch(l -> l.contains("File exists")
                        || l.contains("Device or resource busy") || l.contains("No such file or directory"));
                if (expected) {
                    log.debug("nft refused a one-call transaction (exit {}), taking the listing path: {}",
                            p.exitValue(), text.strip());
                } else {
                    log.warn("nft failed a one-call transaction unexpectedly (exit {}), taking the listing path: {}"
                            + "\nscript:\n{}", p.exitValue(), text.strip(), stdin);
                }
                return null;
            }
            if (p.exitValue() != 0) {
                // the details name host interfaces and addresses: they go to the runner's log, not to the tenant
                log.warn("nft {} failed (exit {}): {}{}", String.join(" ", cmd.subList(1, cmd.size())), p.exitValue(),
                        text.strip(), stdin == null ? "" : "\nscript:\n" + stdin);
                throw new EngineException("the runner could not apply the network rules (nft exit " + p.exitValue()
                        + "; the runner's log has the details)");
            }
            return text;
        } catch (IOException e) {
            throw new EngineException("the network guard cannot run nft (" + e.getMessage()
                    + "); install Debian's nftables package on the runner host", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while applying network rules", e);
        }
    }
}
