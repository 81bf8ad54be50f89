package dev.berth.server.snapshot;

import dev.berth.server.runner.Runner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Snapshot rows as the SDK reads them. */
final class SnapshotMapper {

    private SnapshotMapper() {
    }

    static SnapshotDto toDto(Snapshot s, List<Runner> runners) {
        SnapshotDto.BuildInfo build = s.getDockerfile() == null ? null
                : new SnapshotDto.BuildInfo(s.getDockerfile(), s.getContextHashes() == null ? List.of()
                        : Arrays.asList(s.getContextHashes().split(",")), iso(s.getCreatedAt()), iso(s.getUpdatedAt()),
                        s.getImageName());
        String local = s.getImageName().contains(":") ? s.getImageName() : s.getImageName() + ":latest";
        List<SnapshotDto.RunnerCopy> copies = new ArrayList<>();
        for (Runner r : runners) {
            if (r.getImages().contains(local)) {
                copies.add(new SnapshotDto.RunnerCopy(r.getId(), "ready", null));
            }
        }
        return new SnapshotDto(s.getId(), s.isGeneral() ? null : s.getScope(), s.isGeneral(), s.getName(),
                s.getSourceImage() != null ? s.getSourceImage() : s.getImageName(), s.getState().wireName(),
                s.getSizeBytes(), SnapshotEntrypoints.parse(s.getEntrypointJson()), s.getCpu(), 0, s.getMem(),
                s.getDisk(), s.getErrorReason(), iso(s.getCreatedAt()), iso(s.getUpdatedAt()), iso(s.getLastUsedAt()),
                build, s.getRegionId() == null ? List.of() : List.of(s.getRegionId()), s.getImageName(),
                s.getSourceSandboxId(), copies);
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
