package dev.berth.server.org;

import dev.berth.server.auth.Memberships;
import dev.berth.server.auth.Permission;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/** auth's {@link Memberships} port, answered from the members table. */
@Component
class MemberPermissions implements Memberships {

    private final MemberRepository members;

    MemberPermissions(MemberRepository members) {
        this.members = members;
    }

    @Override
    public Optional<Set<Permission>> permissionsOf(String organizationId, String userId) {
        return members.findByOrganizationIdAndUserId(organizationId, userId).map(Member::effectivePermissions);
    }

    @Override
    public boolean isOwner(String organizationId, String userId) {
        return members.findByOrganizationIdAndUserId(organizationId, userId)
                .filter(m -> m.getRole() == Role.OWNER).isPresent();
    }
}
