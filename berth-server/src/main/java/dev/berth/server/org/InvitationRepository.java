package dev.berth.server.org;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

public interface InvitationRepository extends JpaRepository<Invitation, String> {

    List<Invitation> findByOrganizationId(String organizationId);

    List<Invitation> findByEmail(String email);

    void deleteByOrganizationId(String organizationId);
}
