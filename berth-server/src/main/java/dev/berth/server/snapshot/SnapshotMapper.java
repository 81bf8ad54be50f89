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
        return toDto(s, runners, List.of());
    }

    static SnapshotDto toDto(Snapshot s, List<Runner> runners, List<SnapshotCopies.Row> work) {
        SnapshotDto.BuildInfo build = s.getDockerfile() == null ? null
                : new SnapshotDto.BuildInfo(s.getDockerfile(), s.getContextHashes() == null ? List.of()
                        : Arrays.asList(s.getContextHashes().split(",")), iso(s.getCreatedAt()), iso(s.getUpdatedAt()),
                        s.getImageName());
        String local = s.getImageName().contains(":") ? s.getImageName() : s.getImageName() + ":latest";
        List<SnapshotDto.RunnerCopy> copies = new ArrayList<>();
        for (Runner r : runners) {
            var row = work.stream().filter(w -> w.snapshotId().equals(s.getId()) && w.runnerId().equals(r.getId()))
                    .findFirst();
            if (r.getImages().contains(local)) {
                copies.add(new SnapshotDto.RunnerCopy(r.getId(), "ready", null));
            } else if (row.isPresent() && row.get().state() != dev.berth.core.snapshot.SnapshotCopy.CopyState.NONE) {
                copies.add(new SnapshotDto.RunnerCopy(r.getId(), row.get().state().name().toLowerCase(java.util.Locale.ROOT),
                        row.get().errorReason()));
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
