package dev.berth.server.org;

import dev.berth.server.auth.ApiKey;
import dev.berth.server.auth.ApiKeyRepository;
import dev.berth.server.auth.ApiKeys;
import dev.berth.server.auth.Permission;
import dev.berth.server.config.BerthProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * First start: the default organization and the bootstrap admin API key. With BERTH_ADMIN_API_KEY
 * the key is exactly that value; otherwise one is generated, printed once and written to
 * {@code $BERTH_DATA_DIR/admin-api-key} (mode 0600). Only the hash is stored.
 */
@Component
@Order(0)
public class AdminBootstrap implements ApplicationRunner {

    public static final String DEFAULT_ORG_ID = "00000000-0000-0000-0000-000000000001";
    public static final String ADMIN_USER_ID = "00000000-0000-0000-0000-00000000a0a0";
    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final OrganizationRepository orgs;
    private final UserRepository users;
    private final MemberRepository members;
    private final ApiKeyRepository keys;
    private final BerthProperties props;
    private final Clock clock;

    public AdminBootstrap(OrganizationRepository orgs, UserRepository users,
            MemberRepository members, ApiKeyRepository keys, BerthProperties props, Clock clock) {
        this.orgs = orgs;
        this.users = users;
        this.members = members;
        this.keys = keys;
        this.props = props;
        this.clock = clock;
    }

    @Override
    @Transactional
    public void run(ApplicationArguments args) {
        if (!orgs.existsById(DEFAULT_ORG_ID)) {
            Organization org = new Organization(DEFAULT_ORG_ID, "default", clock.instant());
            org.getQuota().operatorDefaults();
            orgs.save(org);
        }
        if (!users.existsById(ADMIN_USER_ID)) {
            users.save(new User(ADMIN_USER_ID, null, null, null, "admin", true, clock.instant()));
            members.save(new Member(DEFAULT_ORG_ID, ADMIN_USER_ID, Role.OWNER,
                    Permission.all(), clock.instant()));
        }
        String configured = props.adminApiKey();
        if (configured != null && !configured.isBlank()) {
            if (keys.findByKeyHash(ApiKeys.sha256(configured)).isEmpty()) {
                save(configured);
                log.info("bootstrap admin API key set from BERTH_ADMIN_API_KEY");
            }
            return;
        }
        if (keys.existsBySystemAdminTrue()) {
            return;
        }
        String value = ApiKeys.generate();
        save(value);
        Path file = props.dataDir().resolve("admin-api-key");
        try {
            Files.createDirectories(props.dataDir());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, value + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the admin API key to " + file + ": " + e.getMessage(), e);
        }
        // printed once, on purpose: this is the only time the plain value exists outside the file
        System.out.println("\n  Berth admin API key (shown once; also in " + file + "):\n\n    " + value + "\n");
    }

    private void save(String value) {
        keys.save(new ApiKey(UUID.randomUUID().toString(), DEFAULT_ORG_ID, ADMIN_USER_ID, "bootstrap admin",
                ApiKeys.sha256(value), ApiKeys.visiblePrefix(value), ApiKeys.visibleSuffix(value), true,
                Permission.all(), clock.instant(), null));
    }
}
