package dev.berth.server.org;

import dev.berth.core.error.BerthException;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.sandbox.Sandbox;
import dev.berth.server.sandbox.SandboxRepository;
import dev.berth.server.sandbox.StopAction;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Suspends an organization: blocks create/start, stops its running sandboxes, deletes nothing. */
@Service
public class SuspensionService {

    private static final Logger log = LoggerFactory.getLogger(SuspensionService.class);

    private final OrganizationRepository orgs;
    private final SandboxRepository sandboxes;
    private final StopAction stop;
    private final TransactionTemplate tx;

    public SuspensionService(OrganizationRepository orgs, SandboxRepository sandboxes, StopAction stop,
            TransactionTemplate tx) {
        this.orgs = orgs;
        this.sandboxes = sandboxes;
        this.stop = stop;
        this.tx = tx;
    }

    public Organization suspend(String orgId, String reason, Instant until) {
        if (dev.berth.server.sandbox.PoolMembers.SYSTEM_ORGANIZATION.equals(orgId)) {
            throw new dev.berth.core.error.InvalidRequestException("organization " + orgId + " holds the system warm "
                    + "pools' sandboxes and cannot be suspended; resize or delete the pools instead");
        }
        Organization o = tx.execute(st -> {
            Organization org = orgs.lockExisting(orgId);
            org.suspend(reason, until);
            return orgs.save(org);
        });
        for (Sandbox s : sandboxes.findLiveByOrganization(orgId)) {
            // paused ones too: they hold their memory and would thaw at the next toolbox call
            if (s.getState() == SandboxState.STARTED || s.getState() == SandboxState.PAUSED) {
                try {
                    stop.execute(s.getId());
                } catch (BerthException e) {
                    log.warn("could not stop sandbox {} of suspended organization {}: {}", s.getId(), orgId, e.getMessage());
                }
            }
        }
        return o;
    }

    public Organization unsuspend(String orgId) {
        return tx.execute(st -> {
            Organization org = orgs.lockExisting(orgId);
            org.unsuspend();
            return orgs.save(org);
        });
    }
}
