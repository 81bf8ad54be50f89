package dev.berth.server.snapshot;

import dev.berth.core.error.UnprocessableException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks and rewrites the images a Dockerfile builds on. A build runs on an engine that holds other
 * organizations' snapshots and Berth's own images, so a Dockerfile may only name, in {@code FROM} and
 * {@code --from=}, a snapshot its organization can see (rewritten to that snapshot's image on the engine) or an
 * earlier stage of itself; anything else is refused before the build starts.
 *
 * <p>The check reads the Dockerfile as the builder does: logical lines (a line ending in the escape character
 * {@code \} continues on the next, comment lines inside a continuation are dropped), the instruction being the
 * first word, case-insensitive. What would let the builder read it differently is refused outright: carriage
 * returns, non-ASCII white space and byte-order marks, parser directives ({@code # escape=}, {@code # syntax=}),
 * {@code ONBUILD} (run later, in another build), {@code ADD} from a URL or git (fetched by the engine from the
 * host's network), variables in image names, {@code --platform} and {@code RUN --mount}. The rewritten
 * Dockerfile is the logical lines, so the builder sees exactly what was checked.
 */
final class DockerfileBases {

    private static final Pattern DIRECTIVE = Pattern.compile("(?i)^#\\s*(escape|syntax|check)\\s*=.*");
    private static final Pattern FROM = Pattern.compile("(?i)^(FROM\\s+)((?:--\\S+\\s+)*)(\\S+)(\\s+AS\\s+(\\S+))?\\s*$");
    private static final Pattern FROM_FLAG = Pattern.compile("(?i)--from=(\\S+)");
    private static final Pattern URL = Pattern.compile("(?i)^([a-z][a-z0-9+.-]*://|git@).*");

    private DockerfileBases() {
    }

    /**
     * The Dockerfile with every base replaced by {@code resolve}'s image for it.
     *
     * @param resolve the image of a snapshot name the organization can see, or null when there is none
     * @param bases   receives the snapshot names used
     */
    static String rewrite(String dockerfile, Function<String, String> resolve, List<String> bases) {
        for (int i = 0; i < dockerfile.length(); i++) {
            char c = dockerfile.charAt(i);
            if (c == '\r') {
                throw refuse("the Dockerfile contains a carriage return; use Unix line endings (\\n)");
            }
            if (c != '\n' && c != '\t' && (c < 0x20 || c == 0x7f)) {
                throw refuse("the Dockerfile contains a control character (code " + (int) c + ")");
            }
            if (c == '\u00a0' || c == '\ufeff' || (c > 0x7f && (Character.isWhitespace(c) || Character.isSpaceChar(c)))) {
                throw refuse("the Dockerfile contains non-ASCII white space or a byte-order mark (U+"
                        + String.format("%04X", (int) c) + ")");
            }
        }
        Set<String> stages = new HashSet<>();
        List<String> out = new ArrayList<>();
        int stageIndex = 0;
        boolean sawFrom = false;
        for (String line : logicalLines(dockerfile)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                if (DIRECTIVE.matcher(trimmed).matches()) {
                    throw refuse("'" + abbreviate(trimmed) + "': parser directives are not supported");
                }
                out.add(line);
                continue;
            }
            String instruction = trimmed.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
            switch (instruction) {
                case "FROM" -> {
                    Matcher m = FROM.matcher(trimmed);
                    if (!m.matches()) {
                        throw refuse("'" + abbreviate(trimmed) + "': FROM must name one snapshot, as FROM <snapshot> "
                                + "[AS <stage>]");
                    }
                    sawFrom = true;
                    String base = m.group(3);
                    if (m.group(2) != null && !m.group(2).isBlank()) {
                        throw refuse("FROM " + base + ": flags (" + m.group(2).strip() + ") are not supported");
                    }
                    String image;
                    if (stages.contains(base.toLowerCase(Locale.ROOT))) {
                        image = base;
                    } else {
                        image = snapshot(base, resolve, "FROM");
                        bases.add(base);
                    }
                    if (m.group(5) != null) {
                        stages.add(m.group(5).toLowerCase(Locale.ROOT));
                    }
                    stages.add(String.valueOf(stageIndex++));
                    out.add(m.group(1) + image + (m.group(4) == null ? "" : m.group(4)));
                }
                case "ONBUILD" -> throw refuse("'" + abbreviate(trimmed) + "': ONBUILD is not supported");
                default -> {
                    if (!sawFrom && !instruction.equals("ARG")) {
                        throw refuse("'" + abbreviate(trimmed) + "': the Dockerfile must start with FROM <snapshot>");
                    }
                    if (trimmed.toLowerCase(Locale.ROOT).contains("--mount")) {
                        throw refuse("'" + abbreviate(trimmed) + "': --mount is not supported");
                    }
                    if (instruction.equals("ADD")) {
                        for (String word : trimmed.split("\\s+")) {
                            String w = word.replaceAll("^[\\[\"',]+|[\\]\"',]+$", "");
                            if (URL.matcher(w).matches()) {
                                throw refuse("'" + abbreviate(trimmed) + "': ADD from a URL or git is not supported; "
                                        + "download inside a RUN step");
                            }
                        }
                    }
                    Matcher c = FROM_FLAG.matcher(line);
                    StringBuilder sb = new StringBuilder();
                    while (c.find()) {
                        String src = c.group(1);
                        String image = stages.contains(src.toLowerCase(Locale.ROOT)) ? src
                                : snapshot(src, resolve, instruction + " --from");
                        if (!stages.contains(src.toLowerCase(Locale.ROOT))) {
                            bases.add(src);
                        }
                        c.appendReplacement(sb, Matcher.quoteReplacement("--from=" + image));
                    }
                    c.appendTail(sb);
                    out.add(sb.toString());
                }
            }
        }
        if (!sawFrom) {
            throw refuse("the Dockerfile has no FROM line; start it with FROM <snapshot>, e.g. FROM berth/default");
        }
        return String.join("\n", out) + "\n";
    }

    /**
     * The builder's logical lines: a line whose last non-blank character is the escape character {@code \}
     * continues on the next one (joined without the escape and the line break); comment and empty lines inside a
     * continuation are dropped, as the builder drops them.
     */
    static List<String> logicalLines(String dockerfile) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = null;
        for (String raw : dockerfile.split("\n", -1)) {
            if (current != null) {
                String t = raw.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
            }
            String stripped = raw.stripTrailing();
            boolean continues = stripped.endsWith("\\");
            String part = continues ? stripped.substring(0, stripped.length() - 1) : raw;
            if (current == null) {
                if (!continues) {
                    lines.add(part);
                    continue;
                }
                current = new StringBuilder(part);
            } else {
                current.append(part);
                if (!continues) {
                    lines.add(current.toString());
                    current = null;
                }
            }
        }
        if (current != null) {
            lines.add(current.toString());
        }
        return lines;
    }

    private static String snapshot(String name, Function<String, String> resolve, String where) {
        if (name.contains("$")) {
            throw refuse(where + " " + name + ": variables are not allowed here; name a snapshot");
        }
        String image = resolve.apply(name);
        if (image == null && name.endsWith(":latest")) {
            image = resolve.apply(name.substring(0, name.length() - ":latest".length()));
        }
        if (image == null) {
            throw refuse(where + " " + name + ": no active snapshot named '" + name + "' in this organization; "
                    + "build FROM a snapshot (e.g. berth/default), or create a snapshot from the image first");
        }
        return image;
    }

    private static UnprocessableException refuse(String message) {
        return new UnprocessableException(message);
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
