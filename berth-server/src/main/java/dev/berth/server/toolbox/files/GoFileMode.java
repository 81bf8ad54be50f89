package dev.berth.server.toolbox.files;

import dev.berth.runner.agent.FileInfo;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Daytona's daemon is written in Go: its {@code mode} and {@code modTime} strings follow Go's formats. */
final class GoFileMode {

    private static final DateTimeFormatter GO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private GoFileMode() {
    }

    /** Go's {@code os.FileMode.String()}, e.g. {@code -rw-r--r--}, {@code drwxr-xr-x}, {@code Lrwxrwxrwx}. */
    static String modeString(FileInfo f) {
        StringBuilder b = new StringBuilder(12);
        switch (f.type()) {
            case DIRECTORY -> b.append('d');
            case SYMLINK -> b.append('L');
            case BLOCK_DEVICE -> b.append('D');
            case FIFO -> b.append('p');
            case SOCKET -> b.append('S');
            case CHAR_DEVICE -> b.append("Dc");
            default -> {
            }
        }
        int m = f.mode();
        if ((m & 04000) != 0) {
            b.append('u');
        }
        if ((m & 02000) != 0) {
            b.append('g');
        }
        if ((m & 01000) != 0) {
            b.append('t');
        }
        if (f.type() == dev.berth.runner.agent.FileType.UNKNOWN) {
            b.append('?');
        }
        if (b.isEmpty()) {
            b.append('-');
        }
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            b.append((m & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        return b.toString();
    }

    /** Go's {@code time.Time.String()} in UTC, e.g. {@code 2024-05-01 10:20:30.5 +0000 UTC}. */
    static String timeString(Instant t) {
        StringBuilder b = new StringBuilder(GO_TIME.format(t));
        if (t.getNano() != 0) {
            String frac = String.format("%09d", t.getNano()).replaceAll("0+$", "");
            b.append('.').append(frac);
        }
        return b.append(" +0000 UTC").toString();
    }
}
