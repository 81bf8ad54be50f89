package dev.berth.server.org;

import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.quota.Quota;
import dev.berth.core.quota.Usage;
import dev.berth.server.auth.Access;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permissions;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Organizations, members and invitations. */
@RestController
@RequestMapping("/api/organizations")
@Access(Access.Level.ANY_USER)
public class OrganizationController {

    private final OrganizationService orgs;
    private final InvitationService invitations;
    private final QuotaService quotas;

    private final NetworkDefaultsService networkDefaults;

    public OrganizationController(OrganizationService orgs, InvitationService invitations, QuotaService quotas,
            NetworkDefaultsService networkDefaults) {
        this.networkDefaults = networkDefaults;
        this.orgs = orgs;
        this.invitations = invitations;
        this.quotas = quotas;
    }

    public record OrganizationDto(String id, String name, String createdBy, String createdAt, boolean suspended,
            String suspensionReason, String suspendedUntil) {
        static OrganizationDto of(Organization o) {
            return new OrganizationDto(o.getId(), o.getName(), o.getCreatedBy(), o.getCreatedAt().toString(),
                    o.isSuspended(), o.getSuspensionReason(),
                    o.getSuspendedUntil() == null ? null : o.getSuspendedUntil().toString());
        }
    }

    public record NameBody(String name) {
    }

    @PostMapping
    public OrganizationDto create(Caller caller, @RequestBody NameBody body) {
        return OrganizationDto.of(orgs.create(caller, body == null ? null : body.name()));
    }

    @GetMapping
    public List<OrganizationDto> list(Caller caller) {
        return orgs.mine(caller).stream().map(OrganizationDto::of).toList();
    }

    @GetMapping("/{orgId}")
    public OrganizationDto get(Caller caller, @PathVariable String orgId) {
        return OrganizationDto.of(orgs.visible(caller, orgId));
    }

    @PatchMapping("/{orgId}")
    public OrganizationDto rename(Caller caller, @PathVariable String orgId, @RequestBody NameBody body) {
        return OrganizationDto.of(orgs.rename(caller, orgId, body == null ? null : body.name()));
    }

    @DeleteMapping("/{orgId}")
    public ResponseEntity<Void> delete(Caller caller, @PathVariable String orgId) {
        orgs.delete(caller, orgId);
        return ResponseEntity.noContent().build();
    }

    public record UsageDto(Usage usage, Quota quota) {
    }

    /** The egress policy the organization's new sandboxes start from (docs/network.md). */
    @GetMapping("/{orgId}/network-defaults")
    public NetworkDefaultsService.Dto networkDefaults(Caller caller, @PathVariable String orgId) {
        return networkDefaults.get(caller, orgId);
    }

    /** Owners change it (partially: an absent field is kept); bounded by the operator's denied networks. */
    @PutMapping("/{orgId}/network-defaults")
    public NetworkDefaultsService.Dto setNetworkDefaults(Caller caller, @PathVariable String orgId,
            @RequestBody(required = false) NetworkDefaultsService.Request body) {
        return networkDefaults.set(caller, orgId, body);
    }

    @GetMapping("/{orgId}/usage")
    public UsageDto usage(Caller caller, @PathVariable String orgId) {
        Organization o = orgs.visible(caller, orgId);
        return new UsageDto(quotas.usage(orgId), o.getQuota().toQuota());
    }

    public record MemberDto(String userId, String organizationId, String role, Set<String> permissions, String createdAt) {
        static MemberDto of(Member m) {
            return new MemberDto(m.getUserId(), m.getOrganizationId(), m.getRole().wireName(),
                    Permissions.wire(m.effectivePermissions()), m.getCreatedAt().toString());
        }
    }

    public record MemberBody(String role, List<String> permissions) {
    }

    @GetMapping("/{orgId}/members")
    public List<MemberDto> members(Caller caller, @PathVariable String orgId) {
        return orgs.members(caller, orgId).stream().map(MemberDto::of).toList();
    }

    @PatchMapping("/{orgId}/members/{userId}")
    public MemberDto changeMember(Caller caller, @PathVariable String orgId, @PathVariable String userId,
            @RequestBody MemberBody body) {
        return MemberDto.of(orgs.changeMember(caller, orgId, userId, role(body.role()),
                Permissions.fromRequest(body.permissions())));
    }

    @DeleteMapping("/{orgId}/members/{userId}")
    public ResponseEntity<Void> removeMember(Caller caller, @PathVariable String orgId, @PathVariable String userId) {
        orgs.removeMember(caller, orgId, userId);
        return ResponseEntity.noContent().build();
    }

    public record InvitationBody(String email, String role, List<String> permissions, Instant expiresAt) {
    }

    public record InvitationDto(String id, String organizationId, String email, String role, Set<String> permissions,
            String status, String invitedBy, String expiresAt, String createdAt) {
        static InvitationDto of(Invitation i) {
            return new InvitationDto(i.getId(), i.getOrganizationId(), i.getEmail(), i.getRole().wireName(),
                    Permissions.wire(i.getPermissions()), i.getStatus().name().toLowerCase(), i.getInvitedBy(),
                    i.getExpiresAt().toString(), i.getCreatedAt().toString());
        }
    }

    @PostMapping("/{orgId}/invitations")
    public InvitationDto invite(Caller caller, @PathVariable String orgId, @RequestBody InvitationBody body) {
        return InvitationDto.of(invitations.invite(caller, orgId, body.email(), role(body.role()),
                Permissions.fromRequest(body.permissions()), body.expiresAt()));
    }

    @GetMapping("/{orgId}/invitations")
    public List<InvitationDto> orgInvitations(Caller caller, @PathVariable String orgId) {
        return invitations.ofOrganization(caller, orgId).stream().map(InvitationDto::of).toList();
    }

    @DeleteMapping("/{orgId}/invitations/{invitationId}")
    public ResponseEntity<Void> cancel(Caller caller, @PathVariable String orgId, @PathVariable String invitationId) {
        invitations.cancel(caller, orgId, invitationId);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/invitations")
    public List<InvitationDto> myInvitations(Caller caller) {
        return invitations.mine(caller).stream().map(InvitationDto::of).toList();
    }

    @PostMapping("/invitations/{invitationId}/accept")
    public MemberDto accept(Caller caller, @PathVariable String invitationId) {
        return MemberDto.of(invitations.accept(caller, invitationId));
    }

    @PostMapping("/invitations/{invitationId}/decline")
    public ResponseEntity<Void> decline(Caller caller, @PathVariable String invitationId) {
        invitations.decline(caller, invitationId);
        return ResponseEntity.noContent().build();
    }

    private static Role role(String wire) {
        return Role.fromWire(wire == null ? "member" : wire)
                .orElseThrow(() -> new InvalidRequestException("role must be 'owner' or 'member', got '" + wire + "'"));
    }
}
