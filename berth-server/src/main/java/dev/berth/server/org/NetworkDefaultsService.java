package dev.berth.server.org;

import dev.berth.core.network.NetworkPolicy;
import dev.berth.server.auth.Caller;
import dev.berth.server.network.NetworkPolicies;
import dev.berth.server.sandbox.NetworkDefaults;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An organization's default egress policy: read by every member, changed by its owners (and system admins) within
 * the operator's ceiling. Sandboxes already created keep theirs.
 */
@Service
public class NetworkDefaultsService implements NetworkDefaults {

    /** Body of the route; an absent field keeps its value, a blank list clears it. */
    public record Request(Boolean networkBlockAll, String networkAllowList, String domainAllowList) {
    }

    /** What the route answers. */
    public record Dto(String organizationId, boolean networkBlockAll, String networkAllowList, String domainAllowList) {
        static Dto of(String orgId, NetworkPolicy p) {
            return new Dto(orgId, p.blockAll(), p.allowListString(), p.domainListString());
        }
    }

    private final OrganizationRepository orgs;
    private final OrganizationService organizations;
    private final NetworkPolicies policies;

    public NetworkDefaultsService(OrganizationRepository orgs, OrganizationService organizations,
            NetworkPolicies policies) {
        this.orgs = orgs;
        this.organizations = organizations;
        this.policies = policies;
    }

    @Override
    public NetworkPolicy of(String organizationId) {
        return orgs.findById(organizationId).map(Organization::networkDefaults).orElse(NetworkPolicy.OPEN);
    }

    public Dto get(Caller caller, String orgId) {
        return Dto.of(orgId, organizations.visible(caller, orgId).networkDefaults());
    }

    @Transactional
    public Dto set(Caller caller, String orgId, Request r) {
        if (r == null || (r.networkBlockAll() == null && r.networkAllowList() == null && r.domainAllowList() == null)) {
            throw new dev.berth.core.error.InvalidRequestException(
                    "give at least one of networkBlockAll, networkAllowList, domainAllowList");
        }
        Organization o = organizations.owned(caller, orgId);
        NetworkPolicy next = policies.resolve(o.networkDefaults(), r.networkBlockAll(), r.networkAllowList(),
                r.domainAllowList());
        o.changeNetworkDefaults(next);
        orgs.save(o);
        return Dto.of(orgId, next);
    }
}
