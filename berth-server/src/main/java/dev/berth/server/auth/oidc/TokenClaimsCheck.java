package dev.berth.server.auth.oidc;

import static dev.berth.server.auth.oidc.InvalidTokenException.Reason.AUDIENCE;
import static dev.berth.server.auth.oidc.InvalidTokenException.Reason.EXPIRED;
import static dev.berth.server.auth.oidc.InvalidTokenException.Reason.ISSUER;
import static dev.berth.server.auth.oidc.InvalidTokenException.Reason.MISSING_CLAIM;
import static dev.berth.server.auth.oidc.InvalidTokenException.Reason.NOT_YET_VALID;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The claim rules for a token whose signature has been verified: {@code iss} equals the issuer exactly,
 * {@code aud} contains the audience, {@code exp} present and not past, {@code nbf} and {@code iat} not in the
 * future, {@code sub} present. Times are compared with {@code skew} tolerance.
 */
final class TokenClaimsCheck {

    private final OidcProperties props;

    TokenClaimsCheck(OidcProperties props) {
        this.props = props;
    }

    /** Rejects a token from another issuer; also used before the signature check, to fail fast and say why. */
    void checkIssuer(JWTClaimsSet claims) {
        String iss = claims.getIssuer();
        if (iss == null) {
            throw new InvalidTokenException(ISSUER, "token has no issuer (iss); Berth accepts tokens from '"
                    + props.issuer() + "'");
        }
        if (!iss.equals(props.issuer())) {
            throw new InvalidTokenException(ISSUER, "issuer '" + iss + "' is not the configured issuer '"
                    + props.issuer() + "'");
        }
    }

    VerifiedIdentity check(JWTClaimsSet claims, Instant now) {
        checkIssuer(claims);
        checkAudience(claims.getAudience());
        Duration skew = props.clockSkew();
        Instant exp = instant(claims.getExpirationTime());
        if (exp == null) {
            throw new InvalidTokenException(MISSING_CLAIM, "token has no expiry (exp); Berth accepts only "
                    + "tokens that expire");
        }
        if (!now.isBefore(exp.plus(skew))) {
            throw new InvalidTokenException(EXPIRED, "token expired at " + exp + " (now " + now + ", allowed skew "
                    + skew.toSeconds() + "s); get a new token");
        }
        Instant nbf = instant(claims.getNotBeforeTime());
        if (nbf != null && now.plus(skew).isBefore(nbf)) {
            throw new InvalidTokenException(NOT_YET_VALID, "token is not valid before " + nbf + " (now " + now
                    + ", allowed skew " + skew.toSeconds() + "s); check the clocks");
        }
        Instant iat = instant(claims.getIssueTime());
        if (iat != null && now.plus(skew).isBefore(iat)) {
            throw new InvalidTokenException(NOT_YET_VALID, "token was issued in the future at " + iat + " (now "
                    + now + ", allowed skew " + skew.toSeconds() + "s); check the clocks");
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isBlank()) {
            throw new InvalidTokenException(MISSING_CLAIM, "token has no subject (sub)");
        }
        return new VerifiedIdentity(sub, claims.getIssuer(), string(claims, props.emailClaim()),
                string(claims, props.nameClaim()), exp);
    }

    private void checkAudience(List<String> aud) {
        String expected = props.audience();
        if (aud == null || aud.isEmpty()) {
            throw new InvalidTokenException(AUDIENCE, "token has no audience (aud); Berth expects '" + expected + "'");
        }
        if (!aud.contains(expected)) {
            String got = aud.size() == 1 ? "audience '" + aud.get(0) + "' is not" : "audience " + aud + " does not include";
            throw new InvalidTokenException(AUDIENCE, got + " '" + expected + "'; request a token for client '"
                    + expected + "'");
        }
    }

    private static Instant instant(Date d) {
        return d == null ? null : d.toInstant();
    }

    private static String string(JWTClaimsSet claims, String name) {
        return claims.getClaim(name) instanceof String s && !s.isBlank() ? s : null;
    }
}
