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
 * {@code COPY --from}, a snapshot its organization can see (rewritten to that snapshot's image on the engine) or
 * an earlier stage of itself; anything else is refused before the build starts.
 */
final class DockerfileBases {

    private static final Pattern FROM = Pattern.compile("(?i)^(\\s*FROM\\s+)((?:--\\S+\\s+)*)(\\S+)(\\s+AS\\s+(\\S+))?\\s*$");
    private static final Pattern COPY_FROM = Pattern.compile("(?i)--from=(\\S+)");
    private static final Pattern INSTRUCTION = Pattern.compile("(?i)^\\s*(COPY|ADD|RUN)\\b.*");

    private DockerfileBases() {
    }

    /**
     * The Dockerfile with every base replaced by {@code resolve}'s image for it.
     *
     * @param resolve the image of a snapshot name the organization can see, or null when there is none
     * @param bases   receives the snapshot names used
     */
    static String rewrite(String dockerfile, Function<String, String> resolve, List<String> bases) {
        Set<String> stages = new HashSet<>();
        List<String> out = new ArrayList<>();
        int stageIndex = 0;
        boolean sawFrom = false;
        for (String line : dockerfile.split("\n", -1)) {
            String trimmed = line.strip();
            Matcher m = FROM.matcher(line);
            if (m.matches()) {
                sawFrom = true;
                String base = m.group(3);
                if (m.group(2) != null && m.group(2).toLowerCase(Locale.ROOT).contains("--platform")) {
                    throw refuse("FROM " + base + ": --platform is not supported; the engine builds for its own platform");
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
                continue;
            }
            if (trimmed.toUpperCase(Locale.ROOT).startsWith("FROM")) {
                throw refuse("'" + DockerfileBases.abbreviate(trimmed) + "': FROM must name one snapshot, as "
                        + "FROM <snapshot> [AS <stage>]");
            }
            if (INSTRUCTION.matcher(line).matches()) {
                if (trimmed.toLowerCase(Locale.ROOT).contains("--mount")) {
                    throw refuse("'" + abbreviate(trimmed) + "': RUN --mount is not supported");
                }
                Matcher c = COPY_FROM.matcher(line);
                StringBuilder sb = new StringBuilder();
                while (c.find()) {
                    String src = c.group(1);
                    String image = stages.contains(src.toLowerCase(Locale.ROOT)) ? src : snapshot(src, resolve, "COPY --from");
                    c.appendReplacement(sb, Matcher.quoteReplacement("--from=" + image));
                }
                c.appendTail(sb);
                out.add(sb.toString());
                continue;
            }
            out.add(line);
        }
        if (!sawFrom) {
            throw refuse("the Dockerfile has no FROM line; start it with FROM <snapshot>, e.g. FROM berth/default");
        }
        return String.join("\n", out);
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
