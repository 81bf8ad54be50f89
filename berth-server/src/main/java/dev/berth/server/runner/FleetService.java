package dev.berth.server.runner;

import dev.berth.core.error.ConflictException;
import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.NotFoundException;
import dev.berth.protocol.runner.Registration;
import dev.berth.server.auth.ApiKeys;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Admin operations on the fleet: regions, runner tokens, draining and removal; runner registration. */
@Service
public class FleetService {

    private final RunnerRepository runners;
    private final RegionRepository regions;
    private final RunnerAllocations allocations;
    private final Clock clock;
    private final JobRepository jobs;

    public FleetService(RunnerRepository runners, RegionRepository regions,
            RunnerAllocations allocations, Clock clock, JobRepository jobs) {
        this.jobs = jobs;
        this.runners = runners;
        this.regions = regions;
        this.allocations = allocations;
        this.clock = clock;
    }

    @Transactional
    public Region createRegion(String id) {
        if (id == null || !id.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new InvalidRequestException("region id must be lowercase letters, digits and '-', 1..63 characters");
        }
        if (regions.existsById(id)) {
            throw new ConflictException("region '" + id + "' already exists");
        }
        return regions.save(new Region(id, clock.instant()));
    }

    public List<Region> regions() {
        return regions.findAll();
    }

    public record CreatedRunner(Runner runner, String token) {
    }

    /** A new runner identity and its token (shown once, stored hashed). */
    @Transactional
    public CreatedRunner createRunner(String id, String region, String runnerClass) {
        if (id == null || !id.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new InvalidRequestException("runner id must be lowercase letters, digits and '-', 1..63 characters");
        }
        if (!regions.existsById(region == null ? "" : region)) {
            throw new InvalidRequestException("unknown region '" + region + "'; known regions: "
                    + regions.findAll().stream().map(Region::getId).sorted().toList());
        }
        if (runners.existsById(id)) {
            throw new ConflictException("runner '" + id + "' already exists");
        }
        String token = "bthr_" + ApiKeys.generate().substring(4);
        Runner r = runners.save(new Runner(id, region, runnerClass == null ? "default" : runnerClass,
                ApiKeys.sha256(token), false, clock.instant()));
        return new CreatedRunner(r, token);
    }

    public List<Runner> runners() {
        return runners.findAll();
    }

    public Runner get(String id) {
        return runners.findById(id).orElseThrow(() -> new NotFoundException("runner '" + id + "' not found"));
    }

    @Transactional
    public Runner drain(String id) {
        Runner r = get(id);
        r.drain();
        return runners.save(r);
    }

    @Transactional
    public void remove(String id) {
        Runner r = get(id);
        int live = allocations.allocationOf(id).sandboxes();
        if (live > 0) {
            throw new ConflictException("runner '" + id + "' still holds " + live
                    + " sandboxes; drain it and delete or move them first");
        }
        runners.delete(r);
    }

    @Transactional
    public Runner register(String runnerId, Registration reg) {
        if (reg.protocolVersion() < 1 || reg.protocolVersion() > dev.berth.protocol.runner.RunnerProtocol.CURRENT) {
            throw new InvalidRequestException("unsupported runner protocol version " + reg.protocolVersion()
                    + "; this control plane speaks 1 to " + dev.berth.protocol.runner.RunnerProtocol.CURRENT + "");
        }
        Runner r = get(runnerId);
        jobs.requeueClaimed(runnerId);
        var c = reg.capacity();
        r.register(reg.endpoint(), reg.secret(), reg.protocolVersion(), reg.runnerClass(), c.cpu(), c.memoryGiB(),
                c.diskGiB(), c.maxSandboxes(), reg.engineVersion(), reg.storageDriver(), reg.diskQuotaEnforced(),
                clock.instant());
        r.recordImages(reg.images());
        r.recordHost(reg.host());
        return runners.save(r);
    }
}
