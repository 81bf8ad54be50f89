package dev.berth.server.org;

import dev.berth.core.error.ConflictException;
import dev.berth.core.error.ForbiddenException;
import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.NotFoundException;
import dev.berth.server.auth.ApiKeyRepository;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.sandbox.SandboxRepository;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Organizations and their members. Non-members get 404 for an organization; members who are not owners get 403. */
@Service
public class OrganizationService {

    private final OrganizationRepository orgs;
    private final MemberRepository members;
    private final InvitationRepository invitations;
    private final ApiKeyRepository keys;
    private final SandboxRepository sandboxes;
    private final Clock clock;
    private final java.util.List<OrganizationDeletion> cleanups;

    public OrganizationService(OrganizationRepository orgs, MemberRepository members, InvitationRepository invitations,
            ApiKeyRepository keys, SandboxRepository sandboxes, Clock clock, java.util.List<OrganizationDeletion> cleanups) {
        this.cleanups = cleanups;
        this.orgs = orgs;
        this.members = members;
        this.invitations = invitations;
        this.keys = keys;
        this.sandboxes = sandboxes;
        this.clock = clock;
    }

    static String validName(String name) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new InvalidRequestException("organization name must be 1..100 characters");
        }
        return name.trim();
    }

    private static String userOf(Caller caller) {
        if (caller.userId() == null) {
            throw new ForbiddenException("this credential is not tied to a user; use a user's API key or token");
        }
        return caller.userId();
    }

    /**
     * Refuses an API key on calls a user makes for themself across organizations (creating one, their
     * invitations): a key is confined to its own organization, so these need the user's login token.
     */
    static void userOnly(Caller caller, String what) {
        if (caller.isOrganizationKey()) {
            throw new ForbiddenException(what + " needs a user's login token; an API key acts only in its own"
                    + " organization");
        }
    }

    @Transactional
    public Organization create(Caller caller, String name) {
        userOnly(caller, "creating an organization");
        String user = userOf(caller);
        Organization o = orgs.save(new Organization(UUID.randomUUID().toString(), validName(name), clock.instant(), user));
        members.save(new Member(o.getId(), user, Role.OWNER, Permission.all(), clock.instant()));
        return o;
    }

    public List<Organization> mine(Caller caller) {
        if (caller.isOrganizationKey()) {
            return orgs.findById(caller.organizationId()).stream().toList();
        }
        List<String> ids = members.findByUserId(userOf(caller)).stream().map(Member::getOrganizationId).toList();
        Map<String, Organization> byId = new HashMap<>();
        orgs.findAllById(ids).forEach(o -> byId.put(o.getId(), o));
        return ids.stream().map(byId::get).filter(Objects::nonNull).toList();
    }

    /**
     * The organization if the caller is a member (system admins see all), else 404. An API key sees
     * only its own organization, whatever else its user belongs to.
     */
    public Organization visible(Caller caller, String orgId) {
        if (caller.isOrganizationKey() && !caller.organizationId().equals(orgId)) {
            throw notFound(orgId);
        }
        Organization o = orgs.findById(orgId).orElseThrow(() -> notFound(orgId));
        if (!caller.systemAdmin() && membership(caller, orgId).isEmpty()) {
            throw notFound(orgId);
        }
        return o;
    }

    /**
     * Visible and the caller is an owner (403 for plain members). An API key must also hold every
     * permission: administering the organization (its name, members, invitations, deletion) could
     * otherwise grant a restricted key more than it has, e.g. by inviting a member with all permissions.
     */
    public Organization owned(Caller caller, String orgId) {
        Organization o = visible(caller, orgId);
        if (caller.systemAdmin()) {
            return o;
        }
        Member m = membership(caller, orgId).orElseThrow(() -> notFound(orgId));
        if (m.getRole() != Role.OWNER) {
            throw new ForbiddenException("only owners of organization " + orgId + " may do this");
        }
        if (caller.isOrganizationKey() && !caller.hasAllPermissions()) {
            throw new ForbiddenException("administering organization " + orgId + " needs an owner's API key with"
                    + " every permission (or the owner's login); this key has fewer");
        }
        return o;
    }

    @Transactional
    public Organization rename(Caller caller, String orgId, String name) {
        Organization o = owned(caller, orgId);
        o.rename(validName(name));
        return orgs.save(o);
    }

    @Transactional
    public void delete(Caller caller, String orgId) {
        Organization o = owned(caller, orgId);
        if (AdminBootstrap.DEFAULT_ORG_ID.equals(o.getId())) {
            throw new ConflictException("the default organization cannot be deleted");
        }
        if (dev.berth.server.sandbox.PoolMembers.SYSTEM_ORGANIZATION.equals(o.getId())) {
            throw new ConflictException("organization " + o.getId() + " holds the system warm pools' sandboxes and "
                    + "cannot be deleted");
        }
        cleanups.forEach(c -> c.beforeDelete(orgId));
        long live = sandboxes.countLive(orgId);
        if (live > 0) {
            throw new ConflictException("organization " + orgId + " still has " + live
                    + " sandboxes; delete them before deleting the organization");
        }
        // destroyed sandboxes are history that still references the organization; the audit log and the event
        // outbox carry no foreign key, so the organization's audit records survive it (see docs/tenancy.md)
        sandboxes.deleteDestroyed(orgId);
        invitations.deleteByOrganizationId(orgId);
        keys.deleteByOrganizationId(orgId);
        members.deleteByOrganizationId(orgId);
        orgs.delete(o);
    }

    public List<Member> members(Caller caller, String orgId) {
        visible(caller, orgId);
        return members.findByOrganizationId(orgId);
    }

    @Transactional
    public Member changeMember(Caller caller, String orgId, String userId, Role role,
            Set<Permission> permissions) {
        owned(caller, orgId);
        Member m = members.findByOrganizationIdAndUserId(orgId, userId)
                .orElseThrow(() -> new NotFoundException("user " + userId + " is not a member of " + orgId));
        if (m.getRole() == Role.OWNER && role != Role.OWNER
                && members.countByOrganizationIdAndRole(orgId, Role.OWNER) == 1) {
            throw new ConflictException("cannot demote the last owner of organization " + orgId);
        }
        m.change(role, permissions);
        return members.save(m);
    }

    @Transactional
    public void removeMember(Caller caller, String orgId, String userId) {
        owned(caller, orgId);
        Member m = members.findByOrganizationIdAndUserId(orgId, userId)
                .orElseThrow(() -> new NotFoundException("user " + userId + " is not a member of " + orgId));
        if (m.getRole() == Role.OWNER && members.countByOrganizationIdAndRole(orgId, Role.OWNER) == 1) {
            throw new ConflictException("cannot remove the last owner of organization " + orgId);
        }
        members.delete(m);
    }

    private Optional<Member> membership(Caller caller, String orgId) {
        return caller.userId() == null ? Optional.empty()
                : members.findByOrganizationIdAndUserId(orgId, caller.userId());
    }

    static NotFoundException notFound(String orgId) {
        return new NotFoundException("organization '" + orgId + "' not found");
    }
}
