package dev.berth.core.network;

import dev.berth.core.error.InvalidRequestException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * A sandbox's egress policy, as the runner enforces it outside the sandbox:
 * <ul>
 * <li>{@code blockAll}: no packet leaves the sandbox (its agent, reached over a unix socket, still works);</li>
 * <li>{@code allow}: when not empty, the only networks the sandbox may reach;</li>
 * <li>{@code domains}: names (and {@code *.} wildcards) the sandbox may resolve and reach.</li>
 * </ul>
 * With none of them the sandbox reaches anything but what every sandbox is denied (the operator's ranges, the
 * host, other sandboxes). Lists are kept in the order given, without duplicates.
 */
public record NetworkPolicy(boolean blockAll, List<Cidr> allow, List<String> domains) {

    /** At most this many CIDRs, and this many domains, per sandbox: each is a rule on the runner. */
    public static final int MAX_ENTRIES = 32;

    public static final NetworkPolicy OPEN = new NetworkPolicy(false, List.of(), List.of());
    public static final NetworkPolicy BLOCK_ALL = new NetworkPolicy(true, List.of(), List.of());

    public NetworkPolicy {
        allow = List.copyOf(allow);
        domains = List.copyOf(domains);
    }

    /** Whether anything beyond the defaults every sandbox has restricts this sandbox. */
    public boolean restricted() {
        return blockAll || !allow.isEmpty() || !domains.isEmpty();
    }

    /** The wire form of the allow list: comma-separated CIDRs, or null when there is none. */
    public String allowListString() {
        return allow.isEmpty() ? null : String.join(",", allow.stream().map(Cidr::toString).toList());
    }

    public String domainListString() {
        return domains.isEmpty() ? null : String.join(",", domains);
    }

    /** Parses {@code networkAllowList} (comma-separated CIDRs; null or blank: none). */
    public static List<Cidr> parseAllowList(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        LinkedHashSet<Cidr> out = new LinkedHashSet<>();
        for (String entry : list.split(",", -1)) {
            if (entry.isBlank()) {
                throw new InvalidRequestException("networkAllowList: an empty entry in '" + list
                        + "'; give comma-separated CIDRs such as 203.0.113.0/24,198.51.100.7/32");
            }
            out.add(Cidr.parse("networkAllowList", entry));
        }
        if (out.size() > MAX_ENTRIES) {
            throw new InvalidRequestException("networkAllowList: " + out.size() + " networks; at most " + MAX_ENTRIES
                    + " are allowed (use wider CIDRs)");
        }
        return new ArrayList<>(out);
    }

    /** Parses {@code domainAllowList} (comma-separated names, {@code *.example.com} for any name below). */
    public static List<String> parseDomainList(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String entry : list.split(",", -1)) {
            String d = entry.trim().toLowerCase(Locale.ROOT);
            if (d.endsWith(".")) {
                d = d.substring(0, d.length() - 1);
            }
            String name = d.startsWith("*.") ? d.substring(2) : d;
            if (!validDomain(name)) {
                throw new InvalidRequestException("domainAllowList: '" + entry.trim() + "' is not a domain name such as "
                        + "example.com or *.example.com");
            }
            out.add(d);
        }
        if (out.size() > MAX_ENTRIES) {
            throw new InvalidRequestException("domainAllowList: " + out.size() + " names; at most " + MAX_ENTRIES
                    + " are allowed (use *.example.com wildcards)");
        }
        return new ArrayList<>(out);
    }

    private static boolean validDomain(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        String[] labels = name.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String l : labels) {
            if (!l.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
                return false;
            }
        }
        return !labels[labels.length - 1].matches("[0-9]+"); // an address is not a name
    }

    /** Whether {@code name} (lower case, no trailing dot) is allowed by one of the domains. */
    public boolean allowsName(String name) {
        for (String d : domains) {
            if (d.startsWith("*.") ? name.endsWith(d.substring(1)) : name.equals(d)) {
                return true;
            }
        }
        return false;
    }

    /** A whole policy from its stored or wire form (a null or blank list: none), validated. */
    public static NetworkPolicy of(boolean blockAll, String allowList, String domainList) {
        return new NetworkPolicy(blockAll, parseAllowList(allowList), parseDomainList(domainList));
    }

    /**
     * The policy after a partial update (a null field is left as it is; a blank list clears it).
     */
    public NetworkPolicy with(Boolean blockAll, String allowList, String domainList) {
        return new NetworkPolicy(blockAll == null ? this.blockAll : blockAll,
                allowList == null ? allow : parseAllowList(allowList),
                domainList == null ? domains : parseDomainList(domainList));
    }

    /**
     * Refuses an allow-list entry that reaches into what the operator denies every sandbox: an organization
     * cannot allow what the operator forbids, and a silently ineffective entry would mislead its author.
     */
    public void checkWithin(List<Cidr> denied) {
        for (Cidr c : allow) {
            for (Cidr d : denied) {
                if (c.overlaps(d)) {
                    throw new InvalidRequestException("networkAllowList: " + c + " overlaps " + d
                            + ", which this installation denies every sandbox (berth.network.denied-cidrs)");
                }
            }
        }
    }
}
