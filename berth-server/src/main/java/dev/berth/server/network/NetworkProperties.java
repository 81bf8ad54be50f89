package dev.berth.server.network;

import dev.berth.core.network.Cidr;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sandbox networking ({@code berth.network}), the operator's ceiling over every organization's policies.
 *
 * @param deniedCidrs networks no sandbox reaches, whatever its policy (an allow list may not name them): link-local
 *                    (cloud metadata), loopback, private and shared ranges, multicast and reserved, and Azure's
 *                    platform endpoint 168.63.129.16 by default; the runner adds its own bridge's subnet. DNS to
 *                    the resolvers the engine gives containers stays open unless a sandbox's own policy closes it.
 * @param dnsUpstream the resolver ({@code host[:port]}) the DNS proxy of sandboxes with a domain allow list asks;
 *                    empty: the first nameserver of the host's /etc/resolv.conf
 * @param allowHostPorts TCP ports of the runner host (on its bridge's address) every sandbox may reach, e.g. the
 *                    embedded Berth API's port for code in sandboxes that calls it; none by default
 * @param enforce     whether the embedded runner enforces policies (needs nft and root); off, a create or update
 *                    with a policy is refused (422) instead of being accepted unenforced
 */
@ConfigurationProperties("berth.network")
public record NetworkProperties(
        @DefaultValue({"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
                "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4", "168.63.129.16/32"}) List<String> deniedCidrs,
        @DefaultValue("true") boolean enforce,
        @DefaultValue("") String dnsUpstream,
        @DefaultValue({}) List<Integer> allowHostPorts) {

    public List<Cidr> denied() {
        return deniedCidrs.stream().map(c -> Cidr.parse("berth.network.denied-cidrs", c)).toList();
    }
}
