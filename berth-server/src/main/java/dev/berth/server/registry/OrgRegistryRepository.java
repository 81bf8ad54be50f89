package dev.berth.server.registry;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface OrgRegistryRepository extends JpaRepository<OrgRegistry, String> {

    List<OrgRegistry> findByOrganizationIdOrderByCreatedAt(String organizationId);

    Optional<OrgRegistry> findByIdAndOrganizationId(String id, String organizationId);

    List<OrgRegistry> findByOrganizationIdAndHost(String organizationId, String host);

    long countByOrganizationId(String organizationId);
}
