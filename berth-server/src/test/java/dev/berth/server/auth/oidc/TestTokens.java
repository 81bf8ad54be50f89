package dev.berth.server.auth.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake OIDC issuer for tests: an RSA signing key, a real HTTP server on 127.0.0.1 serving the key set at
 * {@code /jwks} and discovery at {@code /.well-known/openid-configuration}, and token minting.
 *
 * <pre>{@code
 * try (TestTokens idp = TestTokens.start()) {
 *     // berth.oidc.issuer = idp.issuer(), berth.oidc.audience = TestTokens.AUDIENCE (see properties())
 *     String jwt = idp.token("alice");      // Authorization: Bearer <jwt>
 * }
 * }</pre>
 */
public final class TestTokens implements AutoCloseable {

    public static final String AUDIENCE = "berth";

    private static final int KEY_POOL = 4;
    private static final List<RSAKey> KEYS = new ArrayList<>();
    private static int keyCursor;

    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile RSAKey signingKey;
    private volatile List<RSAKey> published;
    private volatile boolean stalled;
    private volatile int jwksStatus = 200;
    private volatile String jwksBodyOverride;

    private TestTokens(Clock clock) throws IOException {
        this.clock = clock;
        this.signingKey = newKey("key-1");
        this.published = List.of(signingKey);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/jwks", this::serveJwks);
        server.createContext("/.well-known/openid-configuration", ex -> respond(ex, 200,
                JSONObjectUtils.toJSONString(Map.of("issuer", issuer(), "jwks_uri", jwksUrl().toString()))));
        server.start();
    }

    /** An issuer whose tokens are stamped with the system clock. */
    public static TestTokens start() {
        return start(Clock.systemUTC());
    }

    /** An issuer whose tokens' {@code iat}/{@code exp} derive from {@code clock}. */
    public static TestTokens start(Clock clock) {
        try {
            return new TestTokens(clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The issuer, as in {@code iss} and {@code berth.oidc.issuer}: {@code http://127.0.0.1:PORT}. */
    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public URI jwksUrl() {
        return URI.create(issuer() + "/jwks");
    }

    /** Spring properties that point Berth at this issuer (the key set URL is discovered). */
    public Map<String, String> properties() {
        return Map.of("berth.oidc.issuer", issuer(), "berth.oidc.audience", AUDIENCE);
    }

    /** Settings for this issuer with defaults otherwise (the key set URL is discovered). */
    public OidcProperties oidcProperties() {
        return OidcProperties.forIssuer(issuer(), null, AUDIENCE);
    }

    public RSAKey signingKey() {
        return signingKey;
    }

    /** A valid token for {@code subject}: RS256, audience {@value #AUDIENCE}, expires in 10 minutes. */
    public String token(String subject) {
        return sign(claims(subject).build());
    }

    /** Valid claims for {@code subject}, to adjust before {@link #sign}. */
    public JWTClaimsSet.Builder claims(String subject) {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder()
                .issuer(issuer())
                .audience(AUDIENCE)
                .subject(subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
                .claim("email", subject + "@example.test")
                .claim("name", "User " + subject);
    }

    /** Signs with the current signing key (RS256, its key id in the header). */
    public String sign(JWTClaimsSet claims) {
        return sign(signingKey, claims);
    }

    public static String sign(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                    claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An {@code alg: none} token. */
    public static String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    /** An HS256 token with {@code secret} as the HMAC key (e.g. the issuer's public key bytes). */
    public static String hs256(byte[] secret, String kid, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An RS256 signing key with id {@code kid}. Generating 2048-bit keys is slow, so key pairs come round-robin from
     * a pool of {@value #KEY_POOL}: any {@value #KEY_POOL} consecutive calls give distinct key pairs.
     */
    public static RSAKey newKey(String kid) {
        RSAKey pair;
        synchronized (KEYS) {
            int i = keyCursor++ % KEY_POOL;
            if (KEYS.size() <= i) {
                KEYS.add(generate());
            }
            pair = KEYS.get(i);
        }
        return new RSAKey.Builder(pair).keyID(kid).build();
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Key rotation: a new signing key {@code kid} replaces the published set. */
    public RSAKey rotate(String kid) {
        RSAKey next = newKey(kid);
        signingKey = next;
        published = List.of(next);
        return next;
    }

    /** What {@code /jwks} serves from now on (public parts only). */
    public void publish(RSAKey... keys) {
        published = List.of(keys);
    }

    /** Makes {@code /jwks} answer {@code status} with {@code body} instead of the key set. */
    public void failJwks(int status, String body) {
        jwksStatus = status;
        jwksBodyOverride = body;
    }

    /** Every request from now on hangs until {@link #close()}. */
    public void stall() {
        stalled = true;
    }

    /** How many times {@code /jwks} was requested. */
    public int jwksFetches() {
        return jwksFetches.get();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void serveJwks(HttpExchange ex) throws IOException {
        jwksFetches.incrementAndGet();
        String body = jwksBodyOverride != null ? jwksBodyOverride
                : new JWKSet(published.stream().map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK()).toList())
                        .toString();
        respond(ex, jwksStatus, body);
    }

    private void respond(HttpExchange ex, int status, String body) throws IOException {
        try (ex) {
            if (stalled) {
                try {
                    closed.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        }
    }
}
