package dev.berth.server.toolbox.process;

/**
 * The text written to a session shell's stdin for one command. The command runs with {@code command eval} in
 * the shell itself (so {@code cd} and variables carry over, and a syntax error does not kill the shell),
 * framed by start/end markers on stdout and stderr; the end marker on stdout carries the exit code. Afterwards
 * the shell sits in a {@code read} loop that swallows any input the command left unread, up to the sync line
 * Berth sends before the next command, so stray input is never executed as script.
 */
final class ShellScript {

    private ShellScript() {
    }

    static String syncLine(String nonce) {
        return "BERTH_SYNC_" + nonce;
    }

    /** @param afterPrevious true when a previous command's drain loop is waiting for the sync line */
    static String chunk(String nonce, long seq, String command, boolean afterPrevious) {
        String start = printfFormat(MarkerScanner.marker(nonce, "S" + seq));
        String endOut = printfFormat(MarkerScanner.marker(nonce, "E" + seq + ":%d"));
        String endErr = printfFormat(MarkerScanner.marker(nonce, "E" + seq));
        StringBuilder s = new StringBuilder(command.length() + 512);
        if (afterPrevious) {
            s.append('\n').append(syncLine(nonce)).append('\n');
        }
        s.append("{ command printf '").append(start).append("'; command printf '").append(start).append("' >&2\n");
        s.append("__berth_cmd=").append(singleQuoted(command)).append('\n');
        s.append("command eval \"$__berth_cmd\"\n");
        s.append("__berth_rc=$?\n");
        s.append("command printf '").append(endOut).append("' \"$__berth_rc\"; command printf '").append(endErr)
                .append("' >&2\n");
        s.append("while IFS= read -r __berth_l; do [ \"$__berth_l\" = '").append(syncLine(nonce))
                .append("' ] && break; done\n}\n");
        return s.toString();
    }

    /** A POSIX single-quoted word: every {@code '} becomes {@code '\''}. */
    static String singleQuoted(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The marker as a printf format: control bytes as octal escapes (the format is single-quoted). */
    private static String printfFormat(String marker) {
        return marker.replace("\u001e", "\\036");
    }
}
