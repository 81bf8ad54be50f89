package dev.berth.core.sandbox;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The image a sandbox's archive is stored as: {@code berth-archive/<sandbox id>:<tag>}, one tag per archive. The
 * {@code berth-archive/} namespace is one no snapshot can have (snapshot images are {@code berth-snapshot/<id>}
 * and {@code berth/<name>}; users' snapshot names may not start with {@code berth-}), and each sandbox has a
 * repository of its own, so deleting a sandbox's archives is deleting that repository's tags.
 */
public record ArchiveImage(String sandboxId, String tag) {

    public static final String NAMESPACE = "berth-archive/";

    private static final Pattern REF = Pattern.compile("berth-archive/([a-z0-9][a-z0-9._-]*):([a-z0-9][a-z0-9._-]*)");

    public ArchiveImage {
        if (!REF.matcher(NAMESPACE + sandboxId + ":" + tag).matches()) {
            throw new IllegalArgumentException("not an archive image: sandbox '" + sandboxId + "', tag '" + tag + "'");
        }
    }

    /**
     * A new archive's image (a new tag every time: a stale manifest of an earlier archive never passes for it). The tag
     * is the time in base 36 (8 characters), so that a reference of a UUID sandbox stays within 60 characters, as image
     * jobs' resource ids ({@code img:<ref>}, 64) need.
     */
    public static ArchiveImage next(String sandboxId, Instant now) {
        return new ArchiveImage(sandboxId, Long.toString(now.toEpochMilli(), 36));
    }

    /** A running sandbox's backup: the same repository, tags {@code b<time in base 36>}. */
    public static ArchiveImage backup(String sandboxId, Instant now) {
        return new ArchiveImage(sandboxId, "b" + Long.toString(now.toEpochMilli(), 36));
    }

    public static ArchiveImage parse(String ref) {
        var m = REF.matcher(ref);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + ref + "' is not an archive image (" + NAMESPACE + "<id>:<tag>)");
        }
        return new ArchiveImage(m.group(1), m.group(2));
    }

    /** Whether an image reference names an archive (case-insensitive, as engines compare names). */
    public static boolean isArchive(String imageRef) {
        return imageRef != null && imageRef.toLowerCase(java.util.Locale.ROOT).startsWith(NAMESPACE);
    }

    /** The sandbox's own repository in the registry, holding every archive of it. */
    public String repository() {
        return NAMESPACE + sandboxId;
    }

    /** The engine-local reference; the registry's name adds its host. */
    public String ref() {
        return repository() + ":" + tag;
    }

    @Override
    public String toString() {
        return ref();
    }
}
