package dev.berth.protocol.runner;

/**
 * The control plane's answer to a registration.
 *
 * @param sessionId sent back on every later call; a control plane that no longer knows it asks for a new registration
 * @param registry  the snapshot registry this runner pulls snapshot images from, with its credentials (null: none)
 */
public record RegistrationReply(String runnerId, String region, String sessionId, Registry registry) {

    /** A registry address ({@code host:port}) and its credentials. */
    public record Registry(String host, String username, String password) {

        @Override
        public String toString() {
            return "Registry[host=" + host + ", username=" + username + ", password=***]";
        }
    }
}
