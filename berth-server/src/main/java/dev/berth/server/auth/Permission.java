package dev.berth.server.auth;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Organization permissions, spelled as Daytona spells them. Owners hold all of them. */
public enum Permission {
    WRITE_SANDBOXES("write:sandboxes"),
    DELETE_SANDBOXES("delete:sandboxes"),
    WRITE_SNAPSHOTS("write:snapshots"),
    DELETE_SNAPSHOTS("delete:snapshots"),
    WRITE_REGISTRIES("write:registries"),
    DELETE_REGISTRIES("delete:registries"),
    READ_VOLUMES("read:volumes"),
    WRITE_VOLUMES("write:volumes"),
    DELETE_VOLUMES("delete:volumes"),
    READ_RUNNERS("read:runners"),
    WRITE_RUNNERS("write:runners"),
    DELETE_RUNNERS("delete:runners"),
    WRITE_REGIONS("write:regions"),
    DELETE_REGIONS("delete:regions"),
    READ_AUDIT_LOGS("read:audit_logs");

    private final String wireName;

    Permission(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Permission> fromWire(String name) {
        return Arrays.stream(values()).filter(p -> p.wireName.equals(name)).findFirst();
    }

    public static Set<Permission> all() {
        return EnumSet.allOf(Permission.class);
    }
}
