package dev.berth.server.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** An organization's uploads are bounded: beyond its bytes the store refuses them (403), others are unaffected. */
class ObjectStoreQuotaIT {

    private static S3Client client(int port, String key, byte[] master) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(master, "HmacSHA256"));
        String secret = HexFormat.of().formatHex(mac.doFinal(key.getBytes()));
        return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
                .forcePathStyle(true).requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @Test
    void uploadsBeyondAnOrganizationsBytesAreRefused() throws Exception {
        Path data = Files.createTempDirectory("berth-objectstore-quota");
        var store = new EmbeddedObjectStore(data, Path.of(System.getProperty("berth.objectstore.home",
                "../berth-objectstore/target")), "berth-contexts", 0, Duration.ofSeconds(60), 1000, Duration.ofDays(7));
        store.start();
        try {
            String a = UUID.randomUUID().toString();
            String b = UUID.randomUUID().toString();
            try (var s3 = client(store.port(), "org-" + a, store.master());
                    var other = client(store.port(), "org-" + b, store.master())) {
                s3.putObject(r -> r.bucket("berth-contexts").key(a + "/1/context.tar"), RequestBody.fromBytes(new byte[600]));
                assertThatThrownBy(() -> s3.putObject(r -> r.bucket("berth-contexts").key(a + "/2/context.tar"),
                        RequestBody.fromBytes(new byte[600])))
                        .isInstanceOf(S3Exception.class)
                        .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
                other.putObject(r -> r.bucket("berth-contexts").key(b + "/1/context.tar"), RequestBody.fromBytes(new byte[600]));
            }
        } finally {
            store.close();
        }
    }
}
