package dev.berth.server.runner;

import dev.berth.server.auth.ApiKeys;
import dev.berth.server.auth.RunnerCredentials;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Runner tokens, compared by SHA-256 like API keys; a removed runner's token stops working at once. */
@Component
public class RunnerTokens implements RunnerCredentials {

    private final RunnerRepository runners;

    public RunnerTokens(RunnerRepository runners) {
        this.runners = runners;
    }

    @Override
    public Optional<String> authenticate(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = authorizationHeader.substring(7).trim();
        if (!token.startsWith("bthr_") || token.length() > 128) {
            return Optional.empty();
        }
        return runners.findByTokenHash(ApiKeys.sha256(token)).map(Runner::getId);
    }
}
