package dev.berth.server.auth;

/** A runner process authenticated by its runner token on the runner-protocol paths. */
public record RunnerPrincipal(String runnerId) {

    public static final String REQUEST_ATTRIBUTE = RunnerPrincipal.class.getName();
}
