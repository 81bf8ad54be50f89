package dev.berth.core.sandbox;

import dev.berth.core.error.InvalidRequestException;

/**
 * Bounds and defaults for a sandbox's resources. Requests outside the bounds are rejected with a
 * message that names the field, the value and the allowed range.
 */
public record ResourceLimits(Resources defaults, Resources min, Resources max) {

    public Resources resolve(Integer cpu, Integer memoryGiB, Integer diskGiB) {
        return new Resources(
                check("cpu", cpu, defaults.cpu(), min.cpu(), max.cpu()),
                check("memory", memoryGiB, defaults.memoryGiB(), min.memoryGiB(), max.memoryGiB()),
                check("disk", diskGiB, defaults.diskGiB(), min.diskGiB(), max.diskGiB()));
    }

    private static int check(String field, Integer value, int def, int lo, int hi) {
        if (value == null) {
            return def;
        }
        if (value < lo || value > hi) {
            throw new InvalidRequestException(field + " must be between " + lo + " and " + hi
                    + (field.equals("cpu") ? " cores" : " GiB") + ", got " + value);
        }
        return value;
    }
}
