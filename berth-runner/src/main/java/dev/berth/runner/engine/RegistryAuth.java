package dev.berth.runner.engine;

/** Credentials for one registry: {@code host} as it appears at the start of image references ({@code 127.0.0.1:5100}). */
public record RegistryAuth(String host, String username, String password) {

    @Override
    public String toString() {
        return "RegistryAuth[host=" + host + ", username=" + username + ", password=***]";
    }
}
