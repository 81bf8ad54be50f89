package dev.berth.server.runner;

import dev.berth.core.error.InvalidRequestException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The images a runner reports, checked and kept as one column (one {@code repository:tag} per line). A runner is
 * trusted to tell the truth about itself, not to be small: the list and each reference are bounded, and a report
 * beyond the bounds is refused whole (400), so the runner's last good list stands.
 */
final class RunnerImages {

    static final int MAX_IMAGES = 2000;
    static final int MAX_REF_LENGTH = 255;
    private static final Pattern REF = Pattern.compile("[a-z0-9][a-z0-9._/:@-]*");

    private RunnerImages() {
    }

    /** The column value for a reported list; refuses what is out of bounds or not an image reference. */
    static String column(Collection<String> refs) {
        if (refs.size() > MAX_IMAGES) {
            throw new InvalidRequestException("images: " + refs.size() + " entries reported; at most " + MAX_IMAGES);
        }
        Set<String> sorted = new TreeSet<>();
        for (String ref : refs) {
            if (ref == null || ref.length() > MAX_REF_LENGTH || !REF.matcher(ref).matches()) {
                throw new InvalidRequestException("images: '" + abbreviate(ref) + "' is not an image reference"
                        + " (repository:tag, lower case, at most " + MAX_REF_LENGTH + " characters)");
            }
            sorted.add(normalize(ref));
        }
        return String.join("\n", sorted);
    }

    /** The references in a column value; none for a runner that has not reported. */
    static Set<String> parse(String column) {
        return column == null || column.isEmpty() ? Set.of() : Set.copyOf(List.of(column.split("\n")));
    }

    /** {@code repo} and {@code repo:latest} name the same image; a digest or explicit tag is kept as it is. */
    static String normalize(String ref) {
        int slash = ref.lastIndexOf('/');
        return ref.contains("@") || ref.indexOf(':', slash + 1) >= 0 ? ref : ref + ":latest";
    }

    private static String abbreviate(String ref) {
        return ref == null ? "null" : ref.length() <= 80 ? ref : ref.substring(0, 80) + "…";
    }
}
