package dev.berth.server.auth.oidc;

import static dev.berth.server.auth.oidc.InvalidTokenException.Reason.ALGORITHM;
import static dev.berth.server.auth.oidc.InvalidTokenException.Reason.MALFORMED;
import static dev.berth.server.auth.oidc.InvalidTokenException.Reason.SIGNATURE;
import static dev.berth.server.auth.oidc.InvalidTokenException.Reason.UNKNOWN_KEY;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Verifies bearer JWTs from the configured OIDC issuer: RS256 signatures against the issuer's JWKS (by key id),
 * then the claims ({@link TokenClaimsCheck}). Thread-safe; one instance serves all requests.
 */
@Component
public class OidcTokenVerifier {

    private static final String RS256_ONLY = "; Berth accepts RS256 only";

    private final OidcProperties props;
    private final Clock clock;
    private final IssuerKeys keys;
    private final TokenClaimsCheck claims;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public OidcTokenVerifier(OidcProperties props, Clock clock) {
        this.props = props;
        this.clock = clock;
        this.keys = new IssuerKeys(props,
                new BoundedResourceRetriever(props.jwksTimeout(), props.jwksMaxSize().toBytes()), clock);
        this.claims = new TokenClaimsCheck(props);
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
                new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        // claims are checked afterwards by TokenClaimsCheck, against the injected clock and with precise messages
        processor.setJWTClaimsSetVerifier(null);
    }

    public boolean enabled() {
        return props.enabled();
    }

    /**
     * The identity a token proves.
     *
     * @return empty when OIDC is disabled or {@code token} is not a JWT at all (the caller may try other schemes)
     * @throws InvalidTokenException      the token is a JWT that fails verification
     * @throws IssuerUnavailableException the issuer's keys cannot be fetched right now
     */
    public Optional<VerifiedIdentity> verify(String token) {
        if (!props.enabled() || token == null || token.isBlank()) {
            return Optional.empty();
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token.strip());
        } catch (ParseException e) {
            return Optional.empty();
        }
        if (jwt instanceof PlainJWT) {
            throw new InvalidTokenException(ALGORITHM, "algorithm none not accepted (unsigned token)" + RS256_ONLY);
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new InvalidTokenException(ALGORITHM, "encrypted tokens (JWE) not accepted; send the signed token"
                    + RS256_ONLY);
        }
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        if (!JWSAlgorithm.RS256.equals(alg)) {
            throw new InvalidTokenException(ALGORITHM, "algorithm " + alg + " not accepted" + RS256_ONLY);
        }
        try {
            claims.checkIssuer(signed.getJWTClaimsSet());
        } catch (ParseException e) {
            throw new InvalidTokenException(MALFORMED, "token payload is not a JSON claims set", e);
        }
        return Optional.of(claims.check(verifySignature(signed), clock.instant()));
    }

    private JWTClaimsSet verifySignature(SignedJWT signed) {
        String kid = signed.getHeader().getKeyID();
        try {
            return processor.process(signed, null);
        } catch (RateLimitReachedException e) {
            var failure = keys.lastFetchFailure();
            if (failure.isPresent()) {
                throw unavailable(failure.get());
            }
            throw new InvalidTokenException(UNKNOWN_KEY, unknownKey(kid) + " (the key set was fetched less than "
                    + IssuerKeys.REFETCH_INTERVAL.toSeconds() + "s ago; not fetched again yet)", e);
        } catch (KeySourceException e) {
            throw unavailable(e);
        } catch (BadJWSException e) {
            throw new InvalidTokenException(SIGNATURE, "signature invalid: the token was not signed by the key "
                    + (kid == null ? "" : "'" + kid + "' ") + "in the issuer's key set", e);
        } catch (BadJOSEException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("no matching key")) {
                throw new InvalidTokenException(UNKNOWN_KEY, unknownKey(kid) + " (fetched again just now)", e);
            }
            throw new InvalidTokenException(MALFORMED, "token rejected: " + m, e);
        } catch (JOSEException e) {
            throw new InvalidTokenException(SIGNATURE, "cannot check the signature: " + e.getMessage(), e);
        }
    }

    private String unknownKey(String kid) {
        if (kid == null) {
            return "token has no key id (kid) and no RS256 key of the issuer matches";
        }
        return "unknown key id '" + kid + "'" + keys.url().map(u -> ": not in the issuer's key set at " + u).orElse("");
    }

    private IssuerUnavailableException unavailable(Exception e) {
        String detail = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null) {
                detail = t.getMessage();
                break;
            }
        }
        return new IssuerUnavailableException("cannot fetch the issuer's signing keys"
                + keys.url().map(u -> " from " + u).orElse("") + ": " + detail
                + "; check that Berth can reach the issuer (berth.oidc.jwks-url)", e);
    }
}
