package dev.berth.server.network;

import dev.berth.core.network.Cidr;
import dev.berth.core.network.NetworkPolicy;
import java.util.List;
import org.springframework.stereotype.Component;

/** Turns the create and update fields into a policy this installation accepts: valid, within the operator's ceiling. */
@Component
public class NetworkPolicies {

    private final List<Cidr> denied;

    public NetworkPolicies(NetworkProperties props) {
        this.denied = props.denied(); // a bad entry stops the start, naming the setting
    }

    /** The policy after {@code current} takes the given fields (null: unchanged), checked. */
    public NetworkPolicy resolve(NetworkPolicy current, Boolean blockAll, String allowList, String domainList) {
        NetworkPolicy p = current.with(blockAll, allowList, domainList);
        if (allowList != null) {
            // the list given now (a stored one that a later ceiling overlaps must not stop a sandbox being tightened;
            // the runner drops denied networks before any allow list anyway)
            p.checkWithin(denied);
        }
        return p;
    }

    public List<Cidr> denied() {
        return denied;
    }
}
