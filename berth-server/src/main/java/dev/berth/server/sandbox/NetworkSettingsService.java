package dev.berth.server.sandbox;

import dev.berth.core.error.ConflictException;
import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.network.NetworkPolicy;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.protocol.runner.NetworkSettings;
import dev.berth.server.auth.Caller;
import dev.berth.server.network.NetworkPolicies;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import org.springframework.stereotype.Service;

/**
 * {@code POST /api/sandbox/{id}/network-settings}: a partial change of a sandbox's egress policy. The runner puts it
 * in force first (at once on a running sandbox, recorded for the next starts of a stopped one); only then is it
 * recorded here, so a runner that cannot apply it leaves the sandbox and its record as they were.
 */
@Service
public class NetworkSettingsService {

    /** Body of the route; an absent field keeps its value, a blank list clears it. */
    public record Request(Boolean networkBlockAll, String networkAllowList, String domainAllowList) {
    }

    private final SandboxService sandboxes;
    private final SandboxStore store;
    private final RunnerRegistry runners;
    private final NetworkPolicies policies;
    private final Clock clock;
    private final SandboxLocks locks;

    public NetworkSettingsService(SandboxService sandboxes, SandboxStore store, RunnerRegistry runners,
            NetworkPolicies policies, Clock clock, SandboxLocks locks) {
        this.locks = locks;
        this.sandboxes = sandboxes;
        this.store = store;
        this.runners = runners;
        this.policies = policies;
        this.clock = clock;
    }

    public Sandbox update(Caller caller, String idOrName, Request r) {
        if (r == null || (r.networkBlockAll() == null && r.networkAllowList() == null && r.domainAllowList() == null)) {
            throw new InvalidRequestException("give at least one of networkBlockAll, networkAllowList, domainAllowList");
        }
        String id = sandboxes.get(caller, idOrName).getId();
        // like every action on a sandbox, one at a time here: two changes never merge against the same old policy
        var lock = locks.of(id);
        lock.lock();
        try {
            Sandbox s = store.load(id);
            NetworkPolicy next = policies.resolve(s.networkPolicy(), r.networkBlockAll(), r.networkAllowList(),
                    r.domainAllowList());
            if (s.getState() != SandboxState.STARTED && s.getState() != SandboxState.STOPPED) {
                throw new ConflictException("sandbox " + s.getId() + " is '" + s.getState().wireName() + "'; change its "
                        + "network settings when it is started or stopped");
            }
            var runner = runners.byId(s.getRunnerId());
            runner.ensureReachable();
            runner.applyNetwork(s.getId(), new NetworkSettings(next.blockAll(), next.allowListString(),
                    next.domainListString()));
            return store.update(s.getId(), x -> x.changeNetworkPolicy(next, clock.instant()));
        } finally {
            lock.unlock();
        }
    }
}
