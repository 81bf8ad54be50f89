package dev.berth.server.auth;

import dev.berth.core.error.InvalidRequestException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Permission sets as stored (comma-separated wire names) and as sent by clients. */
public final class Permissions {

    private Permissions() {
    }

    public static String format(Set<Permission> set) {
        return set.stream().map(Permission::wireName).sorted().collect(Collectors.joining(","));
    }

    public static Set<Permission> parse(String stored) {
        Set<Permission> out = EnumSet.noneOf(Permission.class);
        if (stored == null || stored.isBlank()) {
            return out;
        }
        for (String s : stored.split(",")) {
            Permission.fromWire(s.trim()).ifPresent(out::add);
        }
        return out;
    }

    /** Parses what a client sent; an unknown name is a 400 listing the valid ones. */
    public static Set<Permission> fromRequest(Collection<String> names) {
        Set<Permission> out = EnumSet.noneOf(Permission.class);
        if (names == null) {
            return out;
        }
        for (String n : names) {
            out.add(Permission.fromWire(n).orElseThrow(() -> new InvalidRequestException("unknown permission '" + n
                    + "'; valid: " + Permission.all().stream().map(Permission::wireName).sorted().toList())));
        }
        return out;
    }

    public static Set<String> wire(Set<Permission> set) {
        return set.stream().map(Permission::wireName).collect(Collectors.toCollection(TreeSet::new));
    }
}
