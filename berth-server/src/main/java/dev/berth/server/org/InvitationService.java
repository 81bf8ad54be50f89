package dev.berth.server.org;

import dev.berth.core.error.ConflictException;
import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.NotFoundException;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Invitations by email: owners invite; the user whose email matches accepts or declines. */
@Service
public class InvitationService {

    private static final Duration DEFAULT_TTL = Duration.ofDays(7);

    private final InvitationRepository invitations;
    private final MemberRepository members;
    private final UserRepository users;
    private final OrganizationService orgs;
    private final Clock clock;

    public InvitationService(InvitationRepository invitations, MemberRepository members, UserRepository users,
            OrganizationService orgs, Clock clock) {
        this.invitations = invitations;
        this.members = members;
        this.users = users;
        this.orgs = orgs;
        this.clock = clock;
    }

    @Transactional
    public Invitation invite(Caller caller, String orgId, String email, Role role, Set<Permission> perms, Instant expiresAt) {
        orgs.owned(caller, orgId);
        if (email == null || !email.matches("[^@\\s]+@[^@\\s]+")) {
            throw new InvalidRequestException("email '" + email + "' is not an email address");
        }
        Instant now = clock.instant();
        Instant until = expiresAt == null ? now.plus(DEFAULT_TTL) : expiresAt;
        if (!until.isAfter(now)) {
            throw new InvalidRequestException("expiresAt must be in the future");
        }
        return invitations.save(new Invitation(UUID.randomUUID().toString(), orgId, email, role, perms,
                caller.userId() == null ? "system" : caller.userId(), until, now));
    }

    public List<Invitation> ofOrganization(Caller caller, String orgId) {
        orgs.visible(caller, orgId);
        return invitations.findByOrganizationId(orgId);
    }

    public List<Invitation> mine(Caller caller) {
        OrganizationService.userOnly(caller, "listing your invitations");
        String email = emailOf(caller);
        return invitations.findByEmail(email).stream().filter(i -> i.isOpen(clock.instant())).toList();
    }

    @Transactional
    public void cancel(Caller caller, String orgId, String invitationId) {
        orgs.owned(caller, orgId);
        Invitation inv = invitations.findById(invitationId).filter(i -> i.getOrganizationId().equals(orgId))
                .orElseThrow(() -> new NotFoundException("invitation " + invitationId + " not found"));
        inv.close(Invitation.Status.CANCELLED);
        invitations.save(inv);
    }

    @Transactional
    public Member accept(Caller caller, String invitationId) {
        OrganizationService.userOnly(caller, "accepting an invitation");
        Invitation inv = open(caller, invitationId);
        if (members.findByOrganizationIdAndUserId(inv.getOrganizationId(), caller.userId()).isPresent()) {
            throw new ConflictException("you are already a member of organization " + inv.getOrganizationId());
        }
        inv.close(Invitation.Status.ACCEPTED);
        invitations.save(inv);
        return members.save(new Member(inv.getOrganizationId(), caller.userId(), inv.getRole(), inv.getPermissions(),
                clock.instant()));
    }

    @Transactional
    public void decline(Caller caller, String invitationId) {
        OrganizationService.userOnly(caller, "declining an invitation");
        Invitation inv = open(caller, invitationId);
        inv.close(Invitation.Status.DECLINED);
        invitations.save(inv);
    }

    private Invitation open(Caller caller, String invitationId) {
        String email = emailOf(caller);
        Invitation inv = invitations.findById(invitationId).filter(i -> i.getEmail().equals(email))
                .orElseThrow(() -> new NotFoundException("invitation " + invitationId + " not found"));
        if (!inv.isOpen(clock.instant())) {
            throw new ConflictException("invitation " + invitationId + " is " + (inv.getStatus() == Invitation.Status.PENDING
                    ? "expired" : inv.getStatus().name().toLowerCase()));
        }
        return inv;
    }

    private String emailOf(Caller caller) {
        return users.findById(caller.userId() == null ? "" : caller.userId()).map(User::getEmail)
                .filter(e -> e != null && !e.isBlank()).map(String::toLowerCase)
                .orElseThrow(() -> new InvalidRequestException("your user has no email address, so it has no invitations"));
    }
}
