package dev.berth.server.lifecycle;

import dev.berth.core.error.InvalidRequestException;
import dev.berth.server.audit.AuditContext;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.config.LifecycleProperties;
import dev.berth.server.sandbox.ActivityTracker;
import dev.berth.server.sandbox.PauseAction;
import dev.berth.server.sandbox.RecoverAction;
import dev.berth.server.sandbox.Sandbox;
import dev.berth.server.sandbox.SandboxDto;
import dev.berth.server.sandbox.SandboxMapper;
import dev.berth.server.sandbox.SandboxService;
import dev.berth.server.sandbox.SandboxStore;
import java.time.Clock;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The lifecycle routes of the Daytona API: the interval setters, the ttl, refreshActivity and pause. A setter's
 * interval counts from the change (never retroactively); auto-stop and auto-pause exclude each other, so setting
 * one above 0 turns the other off.
 */
@RestController
@RequestMapping("/api/sandbox/{idOrName}")
public class LifecycleController {

    private final SandboxService sandboxes;
    private final SandboxStore store;
    private final SandboxMapper mapper;
    private final ActivityTracker activity;
    private final PauseAction pause;
    private final RecoverAction recover;
    private final LifecycleProperties props;
    private final Clock clock;

    LifecycleController(SandboxService sandboxes, SandboxStore store, SandboxMapper mapper, ActivityTracker activity,
            PauseAction pause, RecoverAction recover, LifecycleProperties props, Clock clock) {
        this.recover = recover;
        this.sandboxes = sandboxes;
        this.store = store;
        this.mapper = mapper;
        this.activity = activity;
        this.pause = pause;
        this.props = props;
        this.clock = clock;
    }

    @PostMapping("/autostop/{minutes}")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public SandboxDto autoStop(Caller caller, @PathVariable String idOrName, @PathVariable String minutes) {
        int n = minutes("autostop", minutes, 0);
        return change(caller, idOrName, s -> s.changeLifecycle(n, n > 0 ? 0 : null, null, null, clock.instant()));
    }

    @PostMapping("/autopause/{minutes}")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public SandboxDto autoPause(Caller caller, @PathVariable String idOrName, @PathVariable String minutes) {
        int n = minutes("autopause", minutes, 0);
        return change(caller, idOrName, s -> {
            if (n > 0 && s.getAutoDeleteInterval() == 0) {
                throw new InvalidRequestException("autopause: an ephemeral sandbox (autoDeleteInterval 0) cannot be paused "
                        + "automatically; set autodelete first");
            }
            s.changeLifecycle(n > 0 ? 0 : null, n, null, null, clock.instant());
        });
    }

    @PostMapping("/autoarchive/{minutes}")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public SandboxDto autoArchive(Caller caller, @PathVariable String idOrName, @PathVariable String minutes) {
        int n = minutes("autoarchive", minutes, 0);
        return change(caller, idOrName, s -> s.changeLifecycle(null, null, n, null, clock.instant()));
    }

    /** Negative: never; 0: as soon as it stops. Needs the right to delete (it schedules a delete). */
    @PostMapping("/autodelete/{minutes}")
    @RequiresPermission(Permission.DELETE_SANDBOXES)
    public SandboxDto autoDelete(Caller caller, @PathVariable String idOrName, @PathVariable String minutes) {
        int n = minutes("autodelete", minutes, Integer.MIN_VALUE);
        return change(caller, idOrName, s -> s.changeLifecycle(null, null, null, n < 0 ? -1 : n, clock.instant()));
    }

    /** Deleted {@code minutes} from now; 0 removes the deadline. Needs the right to delete (it schedules a delete). */
    @PostMapping("/ttl/{minutes}")
    @RequiresPermission(Permission.DELETE_SANDBOXES)
    public SandboxDto ttl(Caller caller, @PathVariable String idOrName, @PathVariable String minutes) {
        int n = minutes("ttl", minutes, 0);
        var now = clock.instant();
        return change(caller, idOrName, s -> s.destroyAt(n == 0 ? null : now.plus(props.minute().multipliedBy(n)), now));
    }

    @PostMapping("/last-activity")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public ResponseEntity<Void> lastActivity(Caller caller, @PathVariable String idOrName) {
        Sandbox s = sandboxes.get(caller, idOrName);
        AuditContext.setTarget("sandbox", s.getId());
        activity.touch(s.getId());
        return ResponseEntity.noContent().build();
    }

    /** Freezes its processes (memory kept); a start or any toolbox call resumes it. */
    @PostMapping("/pause")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public SandboxDto pause(Caller caller, @PathVariable String idOrName) {
        Sandbox s = sandboxes.get(caller, idOrName);
        AuditContext.setTarget("sandbox", s.getId());
        return mapper.toDto(pause.execute(s.getId()), true);
    }

    /**
     * Brings back a sandbox lost with its runner from its last backup, on another runner (409 naming why when it has
     * no backup or is not lost). {@code skipStart} (in the SDK's API, unused by it) is refused rather than ignored.
     */
    @PostMapping("/recover")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public SandboxDto recover(Caller caller, @PathVariable String idOrName,
            @org.springframework.web.bind.annotation.RequestParam(required = false) Boolean skipStart) {
        if (Boolean.TRUE.equals(skipStart)) {
            throw new InvalidRequestException("skipStart: a recovered sandbox is always started; leave it out");
        }
        Sandbox s = sandboxes.get(caller, idOrName);
        AuditContext.setTarget("sandbox", s.getId());
        return mapper.toDto(recover.execute(s.getId()), true);
    }

    private SandboxDto change(Caller caller, String idOrName, java.util.function.Consumer<Sandbox> change) {
        Sandbox s = sandboxes.get(caller, idOrName);
        AuditContext.setTarget("sandbox", s.getId());
        return mapper.toDto(store.update(s.getId(), change), true);
    }

    private static int minutes(String what, String raw, int min) {
        int n;
        try {
            n = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(what + ": '" + raw + "' is not a whole number of minutes");
        }
        if (n < min) {
            throw new InvalidRequestException(what + " must be 0 or more minutes, got " + n);
        }
        if (n > 10 * 365 * 24 * 60) {
            throw new InvalidRequestException(what + " must be at most 10 years (" + 10 * 365 * 24 * 60
                    + " minutes), got " + n);
        }
        return n;
    }
}
