package dev.berth.core.network;

import dev.berth.core.error.InvalidRequestException;

/**
 * An IPv4 network, {@code a.b.c.d/n} (a bare address is {@code /32}). Host bits are cleared, so {@code 10.1.2.3/8}
 * is {@code 10.0.0.0/8}. Sandboxes have no IPv6, so IPv6 networks are refused rather than silently ignored.
 */
public record Cidr(int address, int prefix) {

    public Cidr {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix " + prefix);
        }
        address = address & mask(prefix);
    }

    /** Parses one entry of a list; {@code field} names the list in the error a person reads. */
    public static Cidr parse(String field, String entry) {
        String e = entry.trim();
        if (e.contains(":")) {
            throw new InvalidRequestException(field + ": '" + e + "' is an IPv6 network; sandboxes have IPv4 only");
        }
        int slash = e.indexOf('/');
        String ip = slash < 0 ? e : e.substring(0, slash);
        int prefix = 32;
        if (slash >= 0) {
            String p = e.substring(slash + 1);
            if (!p.matches("[0-9]{1,2}") || Integer.parseInt(p) > 32) {
                throw new InvalidRequestException(field + ": '" + e + "' is not a CIDR: the prefix must be 0..32");
            }
            prefix = Integer.parseInt(p);
        }
        String[] parts = ip.split("\\.", -1);
        if (parts.length != 4) {
            throw new InvalidRequestException(field + ": '" + e + "' is not an IPv4 CIDR such as 203.0.113.0/24");
        }
        int a = 0;
        for (String part : parts) {
            if (!part.matches("[0-9]{1,3}") || Integer.parseInt(part) > 255) {
                throw new InvalidRequestException(field + ": '" + e + "' is not an IPv4 CIDR such as 203.0.113.0/24");
            }
            a = (a << 8) | Integer.parseInt(part);
        }
        return new Cidr(a, prefix);
    }

    static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** Whether the two networks share any address. */
    public boolean overlaps(Cidr other) {
        int p = Math.min(prefix, other.prefix);
        return (address & mask(p)) == (other.address & mask(p));
    }

    public boolean contains(int ip) {
        return (ip & mask(prefix)) == address;
    }

    @Override
    public String toString() {
        return ((address >>> 24) & 255) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "."
                + (address & 255) + "/" + prefix;
    }
}
