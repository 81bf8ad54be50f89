package dev.berth.server.org;

import java.util.Arrays;
import java.util.Optional;

/** Membership roles: owners hold every permission and manage the organization. */
public enum Role {
    OWNER("owner"),
    MEMBER("member");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Role> fromWire(String s) {
        return Arrays.stream(values()).filter(r -> r.wireName.equals(s)).findFirst();
    }
}
