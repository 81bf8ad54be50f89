package dev.berth.server.registry;

import dev.berth.core.error.ConflictException;
import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.NotFoundException;
import dev.berth.core.error.QuotaExceededException;
import dev.berth.runner.engine.RegistryAuth;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** The registries organizations register (/api/docker-registry) and the credentials a pull of an image uses. */
@Service
public class OrgRegistries {

    static final int MAX_PER_ORG = 50;
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})(:[0-9]{1,5})?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,99}");

    private final OrgRegistryRepository repo;
    private final SecretBox secrets;
    private final SnapshotRegistry berthRegistry;
    private final TransactionTemplate tx;
    private final Clock clock;

    public OrgRegistries(OrgRegistryRepository repo, SecretBox secrets, SnapshotRegistry berthRegistry,
            TransactionTemplate tx, Clock clock) {
        this.repo = repo;
        this.secrets = secrets;
        this.berthRegistry = berthRegistry;
        this.tx = tx;
        this.clock = clock;
    }

    public record Request(String name, String url, String username, String password, String project) {
    }

    public List<OrgRegistry> list(String org) {
        return repo.findByOrganizationIdOrderByCreatedAt(org);
    }

    public OrgRegistry get(String org, String id) {
        return repo.findByIdAndOrganizationId(id, org)
                .orElseThrow(() -> new NotFoundException("docker registry '" + id + "' not found"));
    }

    public OrgRegistry create(String org, Request r) {
        if (r == null) {
            throw new InvalidRequestException("body must be {\"name\", \"url\", \"username\", \"password\"}");
        }
        String password = required("password", r.password(), 1000);
        return save(org, null, r, password);
    }

    public OrgRegistry update(String org, String id, Request r) {
        if (r == null) {
            throw new InvalidRequestException("body must be {\"name\", \"url\", \"username\", \"password\"?}");
        }
        OrgRegistry existing = get(org, id);
        String password = r.password() == null || r.password().isEmpty() ? null : required("password", r.password(), 1000);
        if (password == null && r.url() != null && !hostOf(r.url()).equals(existing.getHost())) {
            throw new InvalidRequestException("password: required when the url names another host (the stored "
                    + "password is only ever sent to " + existing.getHost() + ")");
        }
        return save(org, id, r, password);
    }

    private OrgRegistry save(String org, String id, Request r, String password) {
        String name = required("name", r.name(), 100);
        if (!NAME.matcher(name).matches()) {
            throw new InvalidRequestException("name: '" + name + "' must be letters, digits, spaces and . _ -");
        }
        String url = required("url", r.url(), 512);
        String host = hostOf(url);
        if (host.equalsIgnoreCase(berthRegistry.auth().host())) {
            throw new InvalidRequestException("url: " + host + " is Berth's own snapshot registry; snapshots are used "
                    + "by name, not through a registered registry");
        }
        String username = required("username", r.username(), 255);
        String project = r.project() == null || r.project().isBlank() ? null : required("project", r.project(), 255);
        try {
            return tx.execute(st -> {
                OrgRegistry row = id == null ? new OrgRegistry(UUID.randomUUID().toString(), org, clock.instant())
                        : repo.findByIdAndOrganizationId(id, org).orElseThrow();
                if (id == null && repo.countByOrganizationId(org) >= MAX_PER_ORG) {
                    throw new QuotaExceededException("an organization can register at most " + MAX_PER_ORG
                            + " registries; delete one first");
                }
                row.set(name, url, host, username, password == null ? null : secrets.seal(password, row.getId()), project,
                        clock.instant());
                return repo.saveAndFlush(row);
            });
        } catch (DataIntegrityViolationException e) {
            throw new ConflictException("a registry named '" + name + "' already exists in this organization");
        }
    }

    public void delete(String org, String id) {
        repo.delete(get(org, id));
    }

    /** The organization's credentials for the registry an image reference names, if it registered one. */
    public Optional<RegistryAuth> authFor(String org, String imageRef) {
        String host = imageHost(imageRef);
        if (host == null) {
            return Optional.empty();
        }
        return repo.findByOrganizationIdAndHost(org, host).stream().findFirst()
                .map(r -> new RegistryAuth(r.getHost(), r.getUsername(), secrets.open(r.getPasswordEnc(), r.getId())));
    }

    /** The registry host of an image reference ({@code host[:port]/repo:tag}), or null for a Docker Hub name. */
    public static String imageHost(String imageRef) {
        int slash = imageRef.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String first = imageRef.substring(0, slash);
        // as the engine reads it: a first component with a dot, a colon or an upper-case letter, or "localhost"
        boolean host = first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.equals(first.toLowerCase(java.util.Locale.ROOT));
        return host ? first.toLowerCase(java.util.Locale.ROOT) : null;
    }

    static String hostOf(String url) {
        String u = url.trim().replaceFirst("^(?i)https?://", "");
        int slash = u.indexOf('/');
        String host = slash < 0 ? u : u.substring(0, slash);
        if (!HOST.matcher(host).matches()) {
            throw new InvalidRequestException("url: '" + url + "' does not name a registry host (host[:port])");
        }
        return host.toLowerCase();
    }

    private static String required(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(field + ": required");
        }
        if (value.length() > max) {
            throw new InvalidRequestException(field + ": at most " + max + " characters");
        }
        return value;
    }
}
