package dev.berth.server.auth.oidc;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Verification of bearer JWTs from one OIDC issuer (BERTH_OIDC_...). OIDC is off while {@code issuer} is empty.
 *
 * @param issuer       the issuer exactly as it appears in tokens' {@code iss}, e.g. https://login.example.com/realms/x;
 *                     empty = OIDC disabled (default)
 * @param jwksUrl      where the issuer's signing keys are; empty = discovered from
 *                     {@code <issuer>/.well-known/openid-configuration} ({@code jwks_uri})
 * @param audience     the value tokens must carry in {@code aud} (the client id registered for Berth); required
 *                     when {@code issuer} is set
 * @param clockSkew    tolerance for {@code exp}, {@code nbf} and {@code iat} (default 60s)
 * @param jwksCacheTtl how long fetched keys are used before they are fetched again (default 5m); an unknown key id
 *                     triggers an earlier fetch, at most twice per 30 s
 * @param jwksTimeout  total time one fetch of the keys or the discovery document may take (default 5s)
 * @param jwksMaxSize  largest keys or discovery document accepted (default 256KB)
 * @param emailClaim   claim read as the user's e-mail (default {@code email})
 * @param nameClaim    claim read as the user's display name (default {@code name})
 */
@Validated
@ConfigurationProperties("berth.oidc")
public record OidcProperties(
        @DefaultValue("") String issuer,
        URI jwksUrl,
        String audience,
        @DefaultValue("60s") Duration clockSkew,
        @DefaultValue("5m") Duration jwksCacheTtl,
        @DefaultValue("5s") Duration jwksTimeout,
        @DefaultValue("256KB") DataSize jwksMaxSize,
        @DefaultValue("email") @NotBlank String emailClaim,
        @DefaultValue("name") @NotBlank String nameClaim) {

    /** Settings with OIDC off. */
    public static OidcProperties disabled() {
        return forIssuer("", null, null);
    }

    /** Settings for {@code issuer} and {@code audience} with every other value at its default. */
    public static OidcProperties forIssuer(String issuer, URI jwksUrl, String audience) {
        return new OidcProperties(issuer, jwksUrl, audience, Duration.ofSeconds(60), Duration.ofMinutes(5),
                Duration.ofSeconds(5), DataSize.ofKilobytes(256), "email", "name");
    }

    public boolean enabled() {
        return issuer != null && !issuer.isBlank();
    }

    /** The configured key set URL, if any (an empty value counts as none). */
    public Optional<URI> configuredJwksUrl() {
        return Optional.ofNullable(jwksUrl).filter(u -> !u.toString().isBlank());
    }

    @AssertTrue(message = "berth.oidc.audience (BERTH_OIDC_AUDIENCE) is required when berth.oidc.issuer is set; "
            + "use the client id the issuer puts in 'aud' for Berth")
    public boolean isAudienceSetWhenEnabled() {
        return !enabled() || (audience != null && !audience.isBlank());
    }

    @AssertTrue(message = "berth.oidc.issuer (BERTH_OIDC_ISSUER) must be an absolute http(s) URL, "
            + "exactly as the issuer writes it in 'iss'")
    public boolean isIssuerAnHttpUrl() {
        return !enabled() || isHttpUrl(issuer);
    }

    @AssertTrue(message = "berth.oidc.jwks-url (BERTH_OIDC_JWKS_URL) must be an absolute http(s) URL or empty")
    public boolean isJwksUrlAnHttpUrl() {
        return configuredJwksUrl().map(u -> isHttpUrl(u.toString())).orElse(true);
    }

    @AssertTrue(message = "berth.oidc durations must be positive: clock-skew may be 0..10m, "
            + "jwks-cache-ttl at least 1m, jwks-timeout 1ms..1m")
    public boolean isDurationsInRange() {
        return clockSkew != null && !clockSkew.isNegative() && clockSkew.compareTo(Duration.ofMinutes(10)) <= 0
                && jwksCacheTtl != null && jwksCacheTtl.compareTo(Duration.ofMinutes(1)) >= 0
                && jwksTimeout != null && !jwksTimeout.isNegative() && !jwksTimeout.isZero() && jwksTimeout.compareTo(Duration.ofMinutes(1)) <= 0;
    }

    @AssertTrue(message = "berth.oidc.jwks-max-size must be between 1KB and 10MB")
    public boolean isJwksMaxSizeInRange() {
        return jwksMaxSize != null && jwksMaxSize.toBytes() >= 1024 && jwksMaxSize.toBytes() <= 10L * 1024 * 1024;
    }

    private static boolean isHttpUrl(String s) {
        try {
            URI u = URI.create(s.strip());
            return u.isAbsolute() && u.getHost() != null
                    && ("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
