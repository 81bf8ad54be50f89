package dev.berth.server.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.berth.server.auth.oidc.InvalidTokenException.Reason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class OidcTokenVerifierTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private TestTokens idp;
    private OidcTokenVerifier verifier;

    @BeforeEach
    void startIssuer() {
        idp = TestTokens.start(CLOCK);
        verifier = new OidcTokenVerifier(props(idp.jwksUrl(), Duration.ofSeconds(5)), CLOCK);
    }

    @AfterEach
    void stopIssuer() {
        idp.close();
    }

    @Test
    void validTokenGivesTheIdentity() {
        VerifiedIdentity id = verifier.verify(idp.token("alice")).orElseThrow();

        assertThat(id).isEqualTo(new VerifiedIdentity("alice", idp.issuer(), "alice@example.test", "User alice",
                NOW.plus(Duration.ofMinutes(10))));
    }

    @Test
    void expiredTokenIsRejectedWithTheExpiry() {
        Instant exp = NOW.minus(Duration.ofMinutes(5));
        String token = idp.sign(idp.claims("alice").expirationTime(Date.from(exp)).build());

        assertRejected(() -> verifier.verify(token), Reason.EXPIRED, "token expired at " + exp);
    }

    @Test
    void expiryWithinTheClockSkewIsAccepted() {
        String token = idp.sign(idp.claims("alice").expirationTime(Date.from(NOW.minusSeconds(30))).build());

        assertThat(verifier.verify(token)).isPresent();
    }

    @Test
    void tokenNotYetValidIsRejected() {
        String nbf = idp.sign(idp.claims("alice").notBeforeTime(Date.from(NOW.plusSeconds(300))).build());
        String iat = idp.sign(idp.claims("alice").issueTime(Date.from(NOW.plusSeconds(300))).build());

        assertRejected(() -> verifier.verify(nbf), Reason.NOT_YET_VALID, "not valid before");
        assertRejected(() -> verifier.verify(iat), Reason.NOT_YET_VALID, "issued in the future");
    }

    @Test
    void wrongAudienceIsRejected() {
        String token = idp.sign(idp.claims("alice").audience("other").build());

        assertRejected(() -> verifier.verify(token), Reason.AUDIENCE, "audience 'other' is not 'berth'");
    }

    @Test
    void audienceListMustContainBerth() {
        String ok = idp.sign(idp.claims("alice").audience(List.of("other", "berth")).build());
        String bad = idp.sign(idp.claims("alice").audience(List.of("a", "b")).build());

        assertThat(verifier.verify(ok)).isPresent();
        assertRejected(() -> verifier.verify(bad), Reason.AUDIENCE, "audience [a, b] does not include 'berth'");
    }

    @Test
    void wrongIssuerIsRejectedWithoutFetchingKeys() {
        String token = idp.sign(idp.claims("alice").issuer("https://evil.example").build());

        assertRejected(() -> verifier.verify(token), Reason.ISSUER,
                "issuer 'https://evil.example' is not the configured issuer '" + idp.issuer() + "'");
        assertThat(idp.jwksFetches()).isZero();
    }

    @Test
    void signatureByAnotherKeyWithTheSameKidIsRejected() {
        RSAKey forged = TestTokens.newKey(idp.signingKey().getKeyID());
        String token = TestTokens.sign(forged, idp.claims("alice").build());

        assertRejected(() -> verifier.verify(token), Reason.SIGNATURE, "signature invalid");
    }

    @Test
    void tamperedPayloadIsRejected() {
        String[] parts = idp.token("alice").split("\\.");
        String other = idp.token("mallory").split("\\.")[1];

        assertRejected(() -> verifier.verify(parts[0] + "." + other + "." + parts[2]), Reason.SIGNATURE,
                "signature invalid");
    }

    @Test
    void unsignedTokenIsRejected() {
        assertRejected(() -> verifier.verify(TestTokens.unsigned(idp.claims("alice").build())), Reason.ALGORITHM,
                "algorithm none not accepted");
    }

    @Test
    void hmacSignedWithThePublicKeyIsRejected() throws Exception {
        byte[] publicKeyBytes = idp.signingKey().toRSAPublicKey().getEncoded();
        String token = TestTokens.hs256(publicKeyBytes, idp.signingKey().getKeyID(), idp.claims("alice").build());

        assertRejected(() -> verifier.verify(token), Reason.ALGORITHM, "algorithm HS256 not accepted");
    }

    @Test
    void subjectAndExpiryAreRequired() {
        String noSub = idp.sign(idp.claims("alice").subject(null).build());
        String noExp = idp.sign(idp.claims("alice").expirationTime(null).build());

        assertRejected(() -> verifier.verify(noSub), Reason.MISSING_CLAIM, "no subject (sub)");
        assertRejected(() -> verifier.verify(noExp), Reason.MISSING_CLAIM, "no expiry (exp)");
    }

    @Test
    void unknownKidRefetchesTheKeySetOnceToFollowRotation() {
        assertThat(verifier.verify(idp.token("alice"))).isPresent();
        assertThat(idp.jwksFetches()).isEqualTo(1);

        idp.rotate("key-2");
        assertThat(verifier.verify(idp.token("bob")).map(VerifiedIdentity::subject)).contains("bob");
        assertThat(idp.jwksFetches()).isEqualTo(2);

        // a flood of unknown key ids does not turn into a flood of fetches
        String stranger = TestTokens.sign(TestTokens.newKey("key-x"), idp.claims("eve").build());
        for (int i = 0; i < 5; i++) {
            assertRejected(() -> verifier.verify(stranger), Reason.UNKNOWN_KEY, "unknown key id 'key-x'");
        }
        assertThat(idp.jwksFetches()).isEqualTo(2);
    }

    @Test
    void unknownKidAfterRefetchNamesTheKeySet() {
        String stranger = TestTokens.sign(TestTokens.newKey("key-x"), idp.claims("eve").build());

        assertRejected(() -> verifier.verify(stranger), Reason.UNKNOWN_KEY,
                "unknown key id 'key-x': not in the issuer's key set at " + idp.jwksUrl());
        assertThat(idp.jwksFetches()).isEqualTo(2);
    }

    @Test
    void keysAreCachedBetweenTokens() {
        for (int i = 0; i < 3; i++) {
            assertThat(verifier.verify(idp.token("user" + i))).isPresent();
        }
        assertThat(idp.jwksFetches()).isEqualTo(1);
    }

    @Test
    void unreachableKeySetIsAClearErrorAndNoHang() throws IOException {
        URI closedPort = closedPortUrl();
        OidcTokenVerifier v = new OidcTokenVerifier(props(closedPort, Duration.ofSeconds(2)), CLOCK);
        String token = idp.token("alice");

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThatThrownBy(() -> v.verify(token)).isInstanceOf(IssuerUnavailableException.class)
                    .hasMessageContaining("cannot fetch the issuer's signing keys from " + closedPort);
            // further tokens within the refetch interval are not sent on (rate limit) and still say why
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> v.verify(token)).isInstanceOf(IssuerUnavailableException.class)
                        .hasMessageContaining("cannot fetch the issuer's signing keys from " + closedPort);
            }
        });
    }

    @Test
    void hangingKeySetEndpointTimesOut() {
        idp.stall();
        OidcTokenVerifier v = new OidcTokenVerifier(props(idp.jwksUrl(), Duration.ofMillis(300)), CLOCK);
        String token = idp.token("alice");

        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                assertThatThrownBy(() -> v.verify(token)).isInstanceOf(IssuerUnavailableException.class)
                        .hasMessageContaining("did not answer within 300 ms"));
    }

    @Test
    void oversizedKeySetIsRefused() {
        idp.failJwks(200, "{\"keys\":[],\"pad\":\"" + "x".repeat(300 * 1024) + "\"}");

        assertThatThrownBy(() -> verifier.verify(idp.token("alice"))).isInstanceOf(IssuerUnavailableException.class)
                .hasMessageContaining("larger than 262144 bytes");
    }

    @Test
    void keySetErrorStatusIsReported() {
        idp.failJwks(500, "oops");

        assertThatThrownBy(() -> verifier.verify(idp.token("alice"))).isInstanceOf(IssuerUnavailableException.class)
                .hasMessageContaining("answered HTTP 500");
    }

    @Test
    void disabledVerifierIgnoresEveryToken() {
        OidcTokenVerifier off = new OidcTokenVerifier(OidcProperties.disabled(), CLOCK);

        assertThat(off.enabled()).isFalse();
        assertThat(off.verify(idp.token("alice"))).isEmpty();
        assertThat(idp.jwksFetches()).isZero();
    }

    @Test
    void somethingThatIsNotAJwtIsLeftToOtherSchemes() {
        assertThat(verifier.verify("berth_0123456789abcdef")).isEmpty();
        assertThat(verifier.verify("not.a.jwt")).isEmpty();
        assertThat(verifier.verify("")).isEmpty();
        assertThat(verifier.verify(null)).isEmpty();
        assertThat(idp.jwksFetches()).isZero();
    }

    @Test
    void keySetUrlIsDiscoveredFromTheIssuer() {
        OidcTokenVerifier discovering = new OidcTokenVerifier(idp.oidcProperties(), CLOCK);

        assertThat(discovering.verify(idp.token("alice")).map(VerifiedIdentity::subject)).contains("alice");
        assertThat(idp.jwksFetches()).isEqualTo(1);
    }

    @Test
    void discoveryDocumentMustNameTheSameIssuer() {
        String withSlash = idp.issuer() + "/";
        OidcTokenVerifier v = new OidcTokenVerifier(OidcProperties.forIssuer(withSlash, null, "berth"), CLOCK);
        String token = idp.sign(idp.claims("alice").issuer(withSlash).build());

        assertThatThrownBy(() -> v.verify(token)).isInstanceOf(IssuerUnavailableException.class)
                .hasMessageContaining("names issuer '" + idp.issuer() + "', not the configured '" + withSlash + "'");
    }

    @Test
    void accessTokenTypeIsAccepted() throws Exception {
        var header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(idp.signingKey().getKeyID())
                .type(new JOSEObjectType("at+jwt")).build();
        var jwt = new SignedJWT(header, idp.claims("alice").build());
        jwt.sign(new RSASSASigner(idp.signingKey()));

        assertThat(verifier.verify(jwt.serialize())).isPresent();
    }

    @Test
    void configuredClaimNamesAreRead() {
        OidcProperties base = props(idp.jwksUrl(), Duration.ofSeconds(5));
        OidcProperties custom = new OidcProperties(base.issuer(), base.jwksUrl(), base.audience(), base.clockSkew(),
                base.jwksCacheTtl(), base.jwksTimeout(), base.jwksMaxSize(), "upn", "preferred_username");
        String token = idp.sign(idp.claims("alice").claim("upn", "a@corp.test").claim("preferred_username", "al")
                .build());

        Optional<VerifiedIdentity> id = new OidcTokenVerifier(custom, CLOCK).verify(token);

        assertThat(id.map(VerifiedIdentity::email)).contains("a@corp.test");
        assertThat(id.map(VerifiedIdentity::name)).contains("al");
    }

    private OidcProperties props(URI jwksUrl, Duration timeout) {
        return new OidcProperties(idp.issuer(), jwksUrl, TestTokens.AUDIENCE, Duration.ofSeconds(60),
                Duration.ofMinutes(5), timeout, DataSize.ofKilobytes(256), "email", "name");
    }

    private static void assertRejected(ThrowingCallable call, Reason reason, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidTokenException.class,
                e -> assertThat(e.reason()).isEqualTo(reason)).hasMessageContaining(message);
    }

    private static URI closedPortUrl() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        int port = s.getAddress().getPort();
        s.stop(0);
        return URI.create("http://127.0.0.1:" + port + "/jwks");
    }
}
