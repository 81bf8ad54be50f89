package dev.berth.server.org;

import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.quota.Quota;
import dev.berth.server.auth.Access;
import dev.berth.server.auth.Caller;
import java.time.Instant;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** System-admin operations on organizations: quota and suspension. */
@RestController
@RequestMapping("/api/admin/organizations")
@Access(Access.Level.SYSTEM_ADMIN)
public class AdminOrganizationController {

    private final OrganizationRepository orgs;
    private final SuspensionService suspensions;

    public AdminOrganizationController(OrganizationRepository orgs, SuspensionService suspensions) {
        this.orgs = orgs;
        this.suspensions = suspensions;
    }

    public record QuotaPatch(Integer totalCpuQuota, Integer totalMemoryQuota, Integer totalDiskQuota,
            Integer maxCpuPerSandbox, Integer maxMemoryPerSandbox, Integer maxDiskPerSandbox, Integer maxSandboxes,
            Integer snapshotQuota, Integer maxSnapshotSize, Integer volumeQuota) {
    }

    @PatchMapping("/{orgId}/quota")
    @Transactional
    public Quota quota(Caller caller, @PathVariable String orgId, @RequestBody QuotaPatch p) {
        Organization o = orgs.lockExisting(orgId);
        Quota q = o.getQuota().toQuota();
        Quota next = new Quota(v("totalCpuQuota", p.totalCpuQuota(), q.totalCpu()),
                v("totalMemoryQuota", p.totalMemoryQuota(), q.totalMemory()),
                v("totalDiskQuota", p.totalDiskQuota(), q.totalDisk()),
                v("maxCpuPerSandbox", p.maxCpuPerSandbox(), q.maxCpuPerSandbox()),
                v("maxMemoryPerSandbox", p.maxMemoryPerSandbox(), q.maxMemoryPerSandbox()),
                v("maxDiskPerSandbox", p.maxDiskPerSandbox(), q.maxDiskPerSandbox()),
                v("maxSandboxes", p.maxSandboxes(), q.maxSandboxes()),
                v("snapshotQuota", p.snapshotQuota(), q.snapshotQuota()),
                v("maxSnapshotSize", p.maxSnapshotSize(), q.maxSnapshotSize()),
                v("volumeQuota", p.volumeQuota(), q.volumeQuota()));
        o.getQuota().apply(next);
        orgs.save(o);
        return next;
    }

    private static int v(String name, Integer value, int current) {
        if (value == null) {
            return current;
        }
        if (value < 0 || value > 1_000_000) {
            throw new InvalidRequestException(name + " must be between 0 and 1000000, got " + value);
        }
        return value;
    }

    public record SuspendBody(String reason, Instant until) {
    }

    @PostMapping("/{orgId}/suspend")
    public OrganizationController.OrganizationDto suspend(Caller caller, @PathVariable String orgId,
            @RequestBody SuspendBody body) {
        if (body == null || body.reason() == null || body.reason().isBlank()) {
            throw new InvalidRequestException("a suspension needs a reason: {\"reason\": \"...\", \"until\": optional ISO time}");
        }
        return OrganizationController.OrganizationDto.of(suspensions.suspend(orgId, body.reason(), body.until()));
    }

    @PostMapping("/{orgId}/unsuspend")
    public OrganizationController.OrganizationDto unsuspend(Caller caller, @PathVariable String orgId) {
        return OrganizationController.OrganizationDto.of(suspensions.unsuspend(orgId));
    }
}
