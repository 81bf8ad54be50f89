package dev.berth.server.ssh;

import java.time.Instant;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** SSH access rows; looked up by the token's hash, revoked per sandbox (always with the organization). */
interface SshAccessRepository extends JpaRepository<SshAccess, String> {

    Optional<SshAccess> findByTokenHash(String tokenHash);

    @Modifying
    @Query("delete from SshAccess a where a.organizationId = :org and a.sandboxId = :sandbox")
    int revokeAll(@Param("org") String organizationId, @Param("sandbox") String sandboxId);

    @Modifying
    @Query("delete from SshAccess a where a.organizationId = :org and a.sandboxId = :sandbox"
            + " and a.tokenHash = :hash")
    int revoke(@Param("org") String organizationId, @Param("sandbox") String sandboxId, @Param("hash") String hash);

    /** Expired rows are useless: removed when a sandbox gets a new token, so a sandbox's rows do not pile up. */
    @Modifying
    @Query("delete from SshAccess a where a.sandboxId = :sandbox and a.expiresAt <= :now")
    int deleteExpired(@Param("sandbox") String sandboxId, @Param("now") Instant now);
}
