package dev.berth.server.toolbox.files;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.runner.agent.FileInfo;
import java.time.temporal.ChronoUnit;

/**
 * Daytona's {@code FileInfo}: {@code mode} is Go's mode string ({@code -rw-r--r--}), {@code permissions} the
 * octal bits ({@code 0644}), owner/group are names when the sandbox's passwd/group know them, else ids.
 */
public record FileInfoResponse(String name, String path, @JsonProperty("isDir") boolean isDir, long size,
        String mode, String permissions, String owner, String group, String modifiedAt, String modTime) {

    public static FileInfoResponse of(String path, FileInfo f) {
        return new FileInfoResponse(f.name(), path, f.isDirectory(), f.size(), GoFileMode.modeString(f),
                f.modeOctal(), f.owner().isEmpty() ? Long.toString(f.uid()) : f.owner(),
                f.group().isEmpty() ? Long.toString(f.gid()) : f.group(),
                f.modifiedAt().truncatedTo(ChronoUnit.SECONDS).toString(), GoFileMode.timeString(f.modifiedAt()));
    }
}
