package dev.berth.server.toolbox.process;

/**
 * A marker body written by {@link ShellScript}: {@code S<seq>} (command started), {@code E<seq>:<code>} (ended,
 * on stdout, with the exit code) or {@code E<seq>} (ended, on stderr).
 */
record SessionMarker(long seq, boolean start, int exitCode) {

    /** The parsed marker, or null if the body is not one of ours. */
    static SessionMarker parse(String body) {
        if (body.length() < 2 || (body.charAt(0) != 'S' && body.charAt(0) != 'E')) {
            return null;
        }
        boolean start = body.charAt(0) == 'S';
        int colon = body.indexOf(':');
        String seq = colon < 0 ? body.substring(1) : body.substring(1, colon);
        try {
            long s = Long.parseLong(seq);
            if (start && colon >= 0) {
                return null;
            }
            int code = colon < 0 ? 0 : Integer.parseInt(body.substring(colon + 1));
            return code < 0 || code > 255 + 128 ? null : new SessionMarker(s, start, code);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
