package dev.berth.server.auth;

/** Who made the current request; every repository query is scoped by {@link #organizationId()}. */
public record Caller(String organizationId, String apiKeyId, String keyPrefix, String keySuffix, boolean systemAdmin) {

    public static final String REQUEST_ATTRIBUTE = Caller.class.getName();
}
