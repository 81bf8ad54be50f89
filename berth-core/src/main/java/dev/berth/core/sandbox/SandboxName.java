package dev.berth.core.sandbox;

import dev.berth.core.error.InvalidRequestException;
import java.util.regex.Pattern;

/** A sandbox name: unique among an organization's live sandboxes, safe in URLs and labels. */
public record SandboxName(String value) {

    public static final int MAX_LENGTH = 63;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public SandboxName {
        if (value == null || value.isEmpty()) {
            throw new InvalidRequestException("name must not be empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidRequestException(
                    "name is " + value.length() + " characters long; the maximum is " + MAX_LENGTH);
        }
        if (!VALID.matcher(value).matches()) {
            throw new InvalidRequestException("name '" + value
                    + "' may contain only letters, digits, '.', '_' and '-', and must start with a letter or digit");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
