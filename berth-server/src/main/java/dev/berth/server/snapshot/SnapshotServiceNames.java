package dev.berth.server.snapshot;

import dev.berth.core.error.InvalidRequestException;

/** The rule for names users give snapshots. */
public final class SnapshotServiceNames {

    private SnapshotServiceNames() {
    }

    public static String valid(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidRequestException("name: a snapshot needs a name");
        }
        if (!SnapshotService.NAME.matcher(name).matches()) {
            throw new InvalidRequestException("name: '" + SnapshotService.abbreviate(name) + "' is not a valid snapshot "
                    + "name (letters, digits and . _ : / @ -, starting with a letter or digit, at most 128 characters)");
        }
        if (name.startsWith("berth/") || name.startsWith("berth-")) {
            throw new InvalidRequestException("name: '" + name + "' is reserved for Berth's own snapshots (berth/ and "
                    + "berth- prefixes); choose another");
        }
        return name;
    }
}
