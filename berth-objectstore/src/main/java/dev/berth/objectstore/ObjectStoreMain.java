package dev.berth.objectstore;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;

/**
 * Berth's embedded object storage: an S3 endpoint on 127.0.0.1 whose every organization has its own credentials
 * and its own store. An access key is {@code org-<organizationId>}; its
 * secret is derived from a master secret, {@code hex(HMAC-SHA256(master, accessKey))}, so the control plane hands
 * out credentials without telling this process anything. An organization's key opens only that organization's
 * store, a directory of its own: it cannot list, read or write another organization's objects, whatever key
 * names it uses. The control plane, which knows the master secret, reads an organization's uploads with that
 * organization's own key.
 *
 * <p>Arguments: {@code --port N --dir PATH --secret-file PATH --bucket NAME}.
 */
public final class ObjectStoreMain {

    private static final String ORG_PREFIX = "org-";
    static final String ADMIN = "berth";

    private final Path dir;
    private final byte[] master;
    private final String bucket;
    private final Map<String, BlobStore> stores = new ConcurrentHashMap<>();
    private final long maxBytesPerOrg;

    ObjectStoreMain(Path dir, byte[] master, String bucket, long maxBytesPerOrg) {
        this.dir = dir;
        this.master = master;
        this.bucket = bucket;
        this.maxBytesPerOrg = maxBytesPerOrg;
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        Path dir = null;
        Path secretFile = null;
        String bucket = "berth-contexts";
        long maxBytesPerOrg = 5L << 30;
        long keepDays = 7;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--secret-file" -> secretFile = Path.of(args[i + 1]);
                case "--bucket" -> bucket = args[i + 1];
                case "--max-bytes-per-org" -> maxBytesPerOrg = Long.parseLong(args[i + 1]);
                case "--keep-days" -> keepDays = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (port <= 0 || dir == null || secretFile == null) {
            throw new IllegalArgumentException("usage: --port N --dir PATH --secret-file PATH [--bucket NAME]");
        }
        byte[] master = Files.readString(secretFile).trim().getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(dir.resolve("orgs"));
        var main = new ObjectStoreMain(dir, master, bucket, maxBytesPerOrg);
        main.expireEvery(java.time.Duration.ofHours(1), java.time.Duration.ofDays(keepDays));
        S3Proxy proxy = S3Proxy.builder()
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ADMIN, main.secretOf(ADMIN))
                .blobStore(main.store("_berth"))
                .ignoreUnknownHeaders(true)
                .build();
        proxy.setBlobStoreLocator(main::locate);
        proxy.start();
        System.out.println("berth-objectstore listening on 127.0.0.1:" + proxy.getPort());
    }

    /** The credential and store for a request, or null (403) when the key may not reach that bucket. */
    Map.Entry<String, BlobStore> locate(String identity, String container, String blob) {
        if (identity == null) {
            return null;
        }
        if (identity.startsWith(ORG_PREFIX) && identity.length() > ORG_PREFIX.length()) {
            String org = identity.substring(ORG_PREFIX.length());
            if (!org.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                    || (container != null && !container.equals(bucket))) {
                return null;
            }
            // the store is opened (and its directory made) only when the request, signed with this secret, uses it
            return new AbstractMap.SimpleEntry<>(secretOf(identity), lazyStore(org));
        }
        return null;
    }

    private BlobStore lazyStore(String org) {
        return (BlobStore) java.lang.reflect.Proxy.newProxyInstance(BlobStore.class.getClassLoader(),
                new Class<?>[] {BlobStore.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "BlobStore[" + org + "]";
                        };
                    }
                    if (method.getName().equals("putBlob") || method.getName().equals("uploadMultipartPart")) {
                        checkQuota(org, args);
                    }
                    try {
                        return method.invoke(store(org), args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Refuses (403) an upload that would take the organization past its bytes. */
    private void checkQuota(String org, Object[] args) throws java.io.IOException {
        long incoming = 0;
        for (Object a : args) {
            if (a instanceof org.jclouds.blobstore.domain.Blob b && b.getMetadata().getContentMetadata().getContentLength() != null) {
                incoming = b.getMetadata().getContentMetadata().getContentLength();
            } else if (a instanceof org.jclouds.io.Payload p && p.getContentMetadata().getContentLength() != null) {
                incoming = p.getContentMetadata().getContentLength();
            }
        }
        long used = bytesOf(dir.resolve("orgs").resolve(org));
        if (used + incoming > maxBytesPerOrg) {
            throw new org.jclouds.rest.AuthorizationException("this organization's build contexts would take "
                    + (used + incoming) + " bytes; at most " + maxBytesPerOrg + " are kept");
        }
    }

    private static long bytesOf(Path root) throws java.io.IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (var files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** Deletes uploads older than {@code keep}, every {@code every}: contexts are only read while a build runs. */
    private void expireEvery(java.time.Duration every, java.time.Duration keep) {
        var sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "expiry");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                expire(keep);
            } catch (RuntimeException | java.io.IOException e) {
                System.err.println("berth-objectstore: expiry failed: " + e);
            }
        }, every.toMillis(), every.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    void expire(java.time.Duration keep) throws java.io.IOException {
        Path orgs = dir.resolve("orgs");
        if (!Files.isDirectory(orgs)) {
            return;
        }
        java.nio.file.attribute.FileTime cutoff = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(keep));
        try (var files = Files.walk(orgs)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (Files.getLastModifiedTime(p).compareTo(cutoff) < 0) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private BlobStore store(String org) {
        return stores.computeIfAbsent(org, o -> {
            Properties p = new Properties();
            p.setProperty(FilesystemConstants.PROPERTY_BASEDIR, dir.resolve("orgs").resolve(o).toString());
            Path base = dir.resolve("orgs").resolve(o);
            try {
                Files.createDirectories(base);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            BlobStore s = ContextBuilder.newBuilder("filesystem").overrides(p).buildView(BlobStoreContext.class)
                    .getBlobStore();
            s.createContainerInLocation(null, bucket);
            return s;
        });
    }

    String secretOf(String accessKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(master, "HmacSHA256"));
            byte[] d = mac.doFinal(accessKey.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (byte b : d) {
                sb.append(String.format("%02x", b));
            }
            return sb.toString();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
