package dev.berth.server.sandbox;

import dev.berth.core.sandbox.Resources;
import dev.berth.protocol.SandboxSpec;
import dev.berth.server.config.BerthProperties;
import org.springframework.stereotype.Component;

/** The runner's spec of a recorded sandbox: what a create request sends, and what the reconciler re-sends. */
@Component
public class SandboxSpecs {

    private final SandboxMapper mapper;
    private final BerthProperties props;

    private final dev.berth.server.snapshot.SnapshotEntrypoints entrypoints;

    public SandboxSpecs(SandboxMapper mapper, BerthProperties props,
            dev.berth.server.snapshot.SnapshotEntrypoints entrypoints) {
        this.mapper = mapper;
        this.props = props;
        this.entrypoints = entrypoints;
    }

    /** An archived (or restored) sandbox's container is made from its archive image, any other's from its snapshot's. */
    public SandboxSpec of(Sandbox s) {
        Resources r = new Resources(s.getCpu(), s.getMemoryGib(), s.getDiskGib());
        String image = s.getArchiveImage() != null ? s.getArchiveImage() : s.getImageRef();
        return new SandboxSpec(s.getId(), s.getOrganizationId(), image, r.nanoCpus(), r.memoryBytes(),
                r.diskBytes(), props.sandbox().pidsLimit(), s.getOsUser(), mapper.fromJson(s.getEnvJson()),
                entrypoints.of(s.getOrganizationId(), s.getSnapshotName()), s.isNetworkBlockAll(),
                s.getNetworkAllowList(), s.getDomainAllowList());
    }
}
