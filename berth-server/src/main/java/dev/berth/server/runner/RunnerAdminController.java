package dev.berth.server.runner;

import dev.berth.server.auth.Access;
import dev.berth.server.auth.Caller;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Admin API for regions and runners. Runners are shared infrastructure: system administrators manage them. */
@RestController
public class RunnerAdminController {

    private final FleetService fleet;

    public RunnerAdminController(FleetService fleet) {
        this.fleet = fleet;
    }

    public record RegionDto(String id, String createdAt) {
    }

    public record RegionBody(String id, String name) {
    }

    @GetMapping("/api/regions")
    @Access(Access.Level.MEMBER)
    public List<RegionDto> regions(Caller caller) {
        return fleet.regions().stream().map(r -> new RegionDto(r.getId(), r.getCreatedAt().toString())).toList();
    }

    @PostMapping("/api/regions")
    @Access(Access.Level.SYSTEM_ADMIN)
    public RegionDto createRegion(Caller caller, @RequestBody RegionBody body) {
        Region r = fleet.createRegion(body == null ? null : body.id() != null ? body.id() : body.name());
        return new RegionDto(r.getId(), r.getCreatedAt().toString());
    }

    public record RunnerBody(String id, String region, String runnerClass) {
    }

    public record RunnerDto(String id, String region, String runnerClass, String state, boolean schedulable,
            boolean embedded, int protocolVersion, String endpoint, Capacity capacity, Usage usage, int sandboxCount,
            boolean engineHealthy, String engineVersion, String storageDriver, boolean diskQuotaEnforced,
            String lastHeartbeatAt, String unresponsiveSince, boolean figuresStale, String token) {

        public record Capacity(int cpu, int memoryGiB, int diskGiB, int maxSandboxes) {
        }

        public record Usage(double cpu, double memory, double disk, double loadPerCore) {
        }

        static RunnerDto of(Runner r, String token) {
            return new RunnerDto(r.getId(), r.getRegion(), r.getRunnerClass(), r.getState().name().toLowerCase(),
                    r.isSchedulable(), r.isEmbedded(), r.getProtocolVersion(), r.getEndpoint(),
                    new Capacity(r.getCpuCapacity(), r.getMemoryCapacity(), r.getDiskCapacity(), r.getMaxSandboxes()),
                    new Usage(r.getCpuUsage(), r.getMemoryUsage(), r.getDiskUsage(), r.getLoadPerCore()),
                    r.getSandboxCount(), r.isEngineHealthy(), r.getEngineVersion(), r.getStorageDriver(), r.isDiskQuota(),
                    r.getLastHeartbeatAt() == null ? null : r.getLastHeartbeatAt().toString(),
                    r.getUnresponsiveSince() == null ? null : r.getUnresponsiveSince().toString(),
                    // an unresponsive runner's usage, sandbox count and engine health are its last heartbeat's
                    r.getState() == RunnerState.UNRESPONSIVE, token);
        }
    }

    @PostMapping("/api/runners")
    @Access(Access.Level.SYSTEM_ADMIN)
    public RunnerDto create(Caller caller, @RequestBody RunnerBody body) {
        var created = fleet.createRunner(body.id(), body.region(), body.runnerClass());
        return RunnerDto.of(created.runner(), created.token());
    }

    @GetMapping("/api/runners")
    @Access(Access.Level.SYSTEM_ADMIN)
    public List<RunnerDto> list(Caller caller) {
        return fleet.runners().stream().map(r -> RunnerDto.of(r, null)).toList();
    }

    @GetMapping("/api/runners/{id}")
    @Access(Access.Level.SYSTEM_ADMIN)
    public RunnerDto get(Caller caller, @PathVariable String id) {
        return RunnerDto.of(fleet.get(id), null);
    }

    @PostMapping("/api/runners/{id}/drain")
    @Access(Access.Level.SYSTEM_ADMIN)
    public RunnerDto drain(Caller caller, @PathVariable String id) {
        return RunnerDto.of(fleet.drain(id), null);
    }

    @DeleteMapping("/api/runners/{id}")
    @Access(Access.Level.SYSTEM_ADMIN)
    public ResponseEntity<Void> remove(Caller caller, @PathVariable String id) {
        fleet.remove(id);
        return ResponseEntity.noContent().build();
    }
}
