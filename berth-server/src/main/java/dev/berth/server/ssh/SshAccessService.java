package dev.berth.server.ssh;

import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.ConflictException;
import dev.berth.server.auth.Caller;
import dev.berth.server.sandbox.Sandbox;
import dev.berth.server.sandbox.SandboxRepository;
import dev.berth.server.sandbox.SandboxService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * SSH access tokens: made, revoked and validated in the database (any replica, and any replica's gateway, sees the
 * same tokens). Every tenant-facing call resolves the sandbox in the caller's organization first, so another
 * organization's sandbox is a 404.
 */
@Service
public class SshAccessService {

    static final int MIN_MINUTES = 1;
    static final int MAX_MINUTES = 1440;
    private static final Logger log = LoggerFactory.getLogger(SshAccessService.class);

    private final SshAccessRepository repo;
    private final SandboxService sandboxes;
    private final SandboxRepository sandboxRows;
    private final SshEndpoint endpoint;
    private final SshProperties props;
    private final Clock clock;

    SshAccessService(SshAccessRepository repo, SandboxService sandboxes, SandboxRepository sandboxRows,
            SshEndpoint endpoint, SshProperties props, Clock clock) {
        this.repo = repo;
        this.sandboxes = sandboxes;
        this.sandboxRows = sandboxRows;
        this.endpoint = endpoint;
        this.props = props;
        this.clock = clock;
    }

    @Transactional
    public SshAccessDto create(Caller caller, String idOrName, Integer expiresInMinutes) {
        int minutes = expiresInMinutes == null ? 60 : expiresInMinutes;
        if (minutes < MIN_MINUTES || minutes > MAX_MINUTES) {
            throw new InvalidRequestException("expiresInMinutes must be between " + MIN_MINUTES + " and "
                    + MAX_MINUTES + ", got " + minutes);
        }
        Sandbox s = sandboxes.get(caller, idOrName);
        if (!props.enabled()) {
            throw new ConflictException("the SSH gateway is disabled on this Berth (berth.ssh.enabled=false); "
                    + "enable it to give SSH access");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        repo.deleteExpired(s.getId(), now);
        String token = SshTokens.generate();
        SshAccess a = repo.save(new SshAccess(UUID.randomUUID().toString(), s.getOrganizationId(), s.getId(),
                SshTokens.hash(token), now, now.plus(Duration.ofMinutes(minutes))));
        log.info("SSH access {} for sandbox {} until {}", a.getId(), s.getId(), a.getExpiresAt());
        return new SshAccessDto(a.getId(), a.getSandboxId(), token, a.getExpiresAt(), a.getCreatedAt(),
                a.getUpdatedAt(), endpoint.command(token));
    }

    /** Revokes one token of the sandbox ({@code token} given) or all of them; returns the sandbox. */
    @Transactional
    public Sandbox revoke(Caller caller, String idOrName, String token) {
        Sandbox s = sandboxes.get(caller, idOrName);
        int n = token == null ? repo.revokeAll(s.getOrganizationId(), s.getId())
                : repo.revoke(s.getOrganizationId(), s.getId(), SshTokens.hash(token));
        log.info("SSH access to sandbox {} revoked ({} token{})", s.getId(), n, n == 1 ? "" : "s");
        return s;
    }

    /** Valid: not expired, not revoked, its sandbox live and in the caller's organization. */
    public SshAccessValidationDto validate(Caller caller, String token) {
        return grant(token).filter(g -> g.organizationId().equals(caller.organizationId()))
                .map(g -> new SshAccessValidationDto(true, g.sandboxId()))
                .orElse(new SshAccessValidationDto(false, null));
    }

    /** Whether a grant given at authentication still holds (not revoked, not expired since). */
    boolean stillValid(SshGrant g) {
        Instant now = clock.instant();
        return repo.findById(g.accessId()).filter(a -> !a.expiredAt(now)).isPresent();
    }

    /**
     * Of these accesses, the ones still valid now (not revoked, not expired): one query for all the connections a
     * gateway holds open.
     */
    java.util.Set<String> stillValid(java.util.Collection<String> accessIds) {
        Instant now = clock.instant();
        return repo.findAllById(accessIds).stream().filter(a -> !a.expiredAt(now)).map(SshAccess::getId)
                .collect(java.util.stream.Collectors.toSet());
    }

    /** What {@code token} grants now, for the gateway: empty if malformed, unknown, revoked, expired or its sandbox gone. */
    Optional<SshGrant> grant(String token) {
        if (!SshTokens.wellFormed(token)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return repo.findByTokenHash(SshTokens.hash(token))
                .filter(a -> !a.expiredAt(now))
                .filter(a -> sandboxRows.findLive(a.getOrganizationId(), a.getSandboxId())
                        .filter(s -> s.getId().equals(a.getSandboxId())).isPresent())
                .map(a -> new SshGrant(a.getId(), a.getOrganizationId(), a.getSandboxId(), a.getExpiresAt()));
    }
}
