package dev.berth.server.toolbox.files;

import dev.berth.server.toolbox.ToolboxException;

/** Octal permission strings as the SDK sends them ({@code 755}, {@code 0644}). */
final class FileModes {

    private FileModes() {
    }

    static int parse(String mode) {
        String m = mode.trim();
        if (!m.matches("0?[0-7]{1,4}")) {
            throw ToolboxException.badRequest("mode must be octal, e.g. 755 or 0644: '" + mode + "'");
        }
        int v = Integer.parseInt(m, 8);
        if (v > 07777) {
            throw ToolboxException.badRequest("mode out of range: '" + mode + "'");
        }
        return v;
    }
}
