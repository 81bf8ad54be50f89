package dev.berth.server.org;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface MemberRepository extends JpaRepository<Member, Member.Key> {

    Optional<Member> findByOrganizationIdAndUserId(String organizationId, String userId);

    List<Member> findByUserId(String userId);

    List<Member> findByOrganizationId(String organizationId);

    long countByOrganizationIdAndRole(String organizationId, Role role);

    void deleteByOrganizationId(String organizationId);
}
