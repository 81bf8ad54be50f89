package dev.berth.server.objectstore;

import dev.berth.core.error.EngineException;
import dev.berth.core.error.NotFoundException;
import dev.berth.core.error.UnavailableException;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Object storage for build contexts. Every organization gets its own credentials ({@code org-<id>} and a secret
 * derived from the store's master secret), which open only that organization's part of the store: what it uploads
 * nobody else can list or read. The store is started on first use (most installations never upload a context).
 */
@Component
public class ObjectStorage {

    private final ObjectStorageProperties props;
    private final Path dataDir;
    private EmbeddedObjectStore store;

    public ObjectStorage(ObjectStorageProperties props, @Value("${berth.data-dir}") Path dataDir) {
        this.props = props;
        this.dataDir = dataDir;
    }

    /** What {@code GET /api/object-storage/push-access} answers: credentials for one organization's uploads. */
    public record PushAccess(String accessKey, String secret, String sessionToken, String storageUrl,
            String organizationId, String bucket, String region) {
    }

    public PushAccess pushAccess(String organizationId) {
        EmbeddedObjectStore s = started();
        String key = "org-" + organizationId;
        String url = props.publicUrl() == null || props.publicUrl().isBlank() ? "http://127.0.0.1:" + s.port()
                : props.publicUrl().replaceAll("/+$", "");
        // the session token is not checked by the store: the key pair alone decides; it is sent because the SDK expects one
        return new PushAccess(key, secret(s, key), "berth", url, organizationId, props.bucket(), props.region());
    }

    /** Opens {@code <org>/<hash>/context.tar} with the organization's own credentials; 404 when it was not uploaded. */
    public InputStream openContext(String organizationId, String hash) {
        EmbeddedObjectStore s = started();
        String key = "org-" + organizationId;
        S3Client client = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + s.port()))
                .region(Region.of(props.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret(s, key))))
                .forcePathStyle(true)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        try {
            InputStream in = client.getObject(GetObjectRequest.builder().bucket(props.bucket())
                    .key(organizationId + "/" + hash + "/context.tar").build());
            return new java.io.FilterInputStream(in) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        client.close();
                    }
                }
            };
        } catch (NoSuchKeyException e) {
            client.close();
            throw new NotFoundException("build context " + hash + " was not uploaded by this organization");
        } catch (SdkException e) {
            client.close();
            throw new EngineException("object storage: cannot read build context " + hash + ": " + e.getMessage(), e);
        }
    }

    public long maxContextBytes() {
        return props.maxContext().toBytes();
    }

    private synchronized EmbeddedObjectStore started() {
        if (store == null) {
            try {
                var s = new EmbeddedObjectStore(dataDir, props.home(), props.bucket(), props.port(), props.startTimeout(),
                        props.maxPerOrganization().toBytes(), props.keepContexts());
                s.start();
                store = s;
            } catch (IOException e) {
                throw new UnavailableException("object storage is not available: " + e.getMessage());
            }
        }
        return store;
    }

    private static String secret(EmbeddedObjectStore s, String accessKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(s.master(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(accessKey.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Scheduled(fixedDelayString = "5s")
    void supervise() {
        EmbeddedObjectStore s;
        synchronized (this) {
            s = store;
        }
        if (s != null) {
            s.supervise();
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (store != null) {
            store.close();
        }
    }
}
