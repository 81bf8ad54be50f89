package dev.berth.server.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

public interface ApiKeyRepository extends JpaRepository<ApiKey, String> {

    Optional<ApiKey> findByKeyHash(String keyHash);

    boolean existsBySystemAdminTrue();


    List<ApiKey> findByOrganizationId(String organizationId);

    void deleteByOrganizationId(String organizationId);

    @Transactional
    @Modifying
    @Query("update ApiKey k set k.lastUsedAt = :at where k.id = :id")
    void touch(@Param("id") String id, @Param("at") Instant at);
}
