package dev.berth.server.ssh;

import dev.berth.server.audit.AuditTrail;
import dev.berth.server.sandbox.ActivityTracker;
import dev.berth.server.sandbox.SandboxRepository;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxTargets;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import org.springframework.stereotype.Component;

/**
 * The sandbox behind an SSH channel: the token is checked again (it may have been revoked or expired since the
 * connection authenticated), the sandbox must still be live in the token's organization, and it is reached the way
 * the toolbox reaches it (a paused sandbox is resumed; embedded or remote runner alike). Each channel is audited.
 */
@Component
class SshTargets {

    /** Why a channel cannot be served, in words for the person at the terminal. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private final SshAccessService access;
    private final SandboxRepository sandboxes;
    private final ToolboxTargets targets;
    private final ActivityTracker activity;
    private final AuditTrail audit;

    SshTargets(SshAccessService access, SandboxRepository sandboxes, ToolboxTargets targets, ActivityTracker activity,
            AuditTrail audit) {
        this.access = access;
        this.sandboxes = sandboxes;
        this.targets = targets;
        this.activity = activity;
        this.audit = audit;
    }

    Target open(SshGrant grant, String what, String clientIp) throws Refused {
        try {
            if (!access.stillValid(grant)) {
                throw new Refused("the SSH access token was revoked or has expired");
            }
            var s = sandboxes.findLive(grant.organizationId(), grant.sandboxId())
                    .filter(x -> x.getId().equals(grant.sandboxId()))
                    .orElseThrow(() -> new Refused("sandbox " + grant.sandboxId() + " no longer exists"));
            Target t;
            try {
                t = targets.reach(s);
            } catch (ToolboxException e) {
                throw new Refused(e.getMessage());
            }
            record(grant, what, clientIp, null);
            return t;
        } catch (Refused e) {
            record(grant, what, clientIp, e.getMessage());
            throw e;
        }
    }

    /** The sandbox counts as active while the channel is open. */
    ActivityTracker.Hold hold(String sandboxId) {
        return activity.hold(sandboxId);
    }

    private void record(SshGrant grant, String what, String clientIp, String error) {
        audit.recordOutsideHttp(grant.organizationId(), "ssh-access:" + grant.accessId(), "sandbox.ssh." + what,
                "(ssh)", "sandbox", grant.sandboxId(), clientIp, error);
    }
}
