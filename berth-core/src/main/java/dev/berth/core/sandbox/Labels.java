package dev.berth.core.sandbox;

import dev.berth.core.error.InvalidRequestException;
import java.util.Map;
import java.util.TreeMap;

/** Validation of user labels and env maps: bounded count and sizes, no empty keys. */
public final class Labels {

    public static final int MAX_ENTRIES = 64;
    public static final int MAX_KEY = 128;
    public static final int MAX_VALUE = 4096;

    private Labels() {
    }

    public static Map<String, String> validate(String what, Map<String, String> map) {
        if (map == null) {
            return Map.of();
        }
        if (map.size() > MAX_ENTRIES) {
            throw new InvalidRequestException(what + " has " + map.size() + " entries; the maximum is " + MAX_ENTRIES);
        }
        Map<String, String> out = new TreeMap<>();
        for (var e : map.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            if (k == null || k.isEmpty() || k.length() > MAX_KEY) {
                throw new InvalidRequestException(what + " keys must be 1.." + MAX_KEY + " characters");
            }
            if (v == null) {
                throw new InvalidRequestException(what + " value of '" + k + "' must be a string, got null");
            }
            if (v.length() > MAX_VALUE) {
                throw new InvalidRequestException(what + " value of '" + k + "' is longer than " + MAX_VALUE);
            }
            if (k.indexOf('\0') >= 0 || v.indexOf('\0') >= 0) {
                throw new InvalidRequestException(what + " entry '" + k + "' contains a NUL character");
            }
            if (what.equals("env") && k.indexOf('=') >= 0) {
                throw new InvalidRequestException("env name '" + k + "' must not contain '='");
            }
            out.put(k, v);
        }
        return out;
    }
}
