package dev.berth.core.lifecycle;

import dev.berth.core.sandbox.SandboxState;
import java.time.Instant;

/**
 * What the lifecycle decision knows of one sandbox.
 *
 * @param stateChangedAt  when it entered {@code state}
 * @param lastActivityAt  the newest activity stamp (toolbox call, open connection, refreshActivity, a busy probe)
 * @param policyChangedAt when its intervals were last changed (an interval counts from the change, not before it)
 * @param autoStop        minutes idle before it is stopped; 0 = never
 * @param autoPause       minutes idle before it is paused; 0 = never (replaces auto-stop when set)
 * @param autoArchive     minutes stopped before it is archived; 0 = the configured maximum
 * @param autoDelete      minutes stopped before it is deleted; negative = never, 0 = as soon as it stops
 * @param destroyAt       the absolute deadline ({@code ttl}), or null
 * @param backupAt        when its last backup was taken (null: none yet)
 * @param busy            what a probe of the sandbox's agent found: true = a toolbox command still runs, false =
 *                        none, null = not probed for this decision
 */
public record LifecycleView(SandboxState state, Instant stateChangedAt, Instant lastActivityAt, Instant policyChangedAt,
        int autoStop, int autoPause, int autoArchive, int autoDelete, Instant destroyAt, Instant backupAt, Boolean busy) {

    public LifecycleView withBusy(boolean probed) {
        return new LifecycleView(state, stateChangedAt, lastActivityAt, policyChangedAt, autoStop, autoPause,
                autoArchive, autoDelete, destroyAt, backupAt, probed);
    }
}
