package dev.berth.server.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

class OidcPropertiesTest {

    @Configuration
    @EnableConfigurationProperties(OidcProperties.class)
    static class Config {
    }

    private static ApplicationContextRunner withEnv(Map<String, Object> env) {
        // named like the real one, so Spring maps BERTH_OIDC_JWKS_URL to berth.oidc.jwks-url as it does in production
        return new ApplicationContextRunner().withUserConfiguration(Config.class).withInitializer(ctx ->
                ctx.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("test-systemEnvironment", env)));
    }

    @Test
    void environmentVariablesBind() {
        withEnv(Map.of("BERTH_OIDC_ISSUER", "https://idp.example/realms/x",
                "BERTH_OIDC_JWKS_URL", "https://idp.example/keys",
                "BERTH_OIDC_AUDIENCE", "berth-client",
                "BERTH_OIDC_CLOCK_SKEW", "30s",
                "BERTH_OIDC_JWKS_CACHE_TTL", "10m",
                "BERTH_OIDC_EMAIL_CLAIM", "upn")).run(ctx -> {
                    OidcProperties p = ctx.getBean(OidcProperties.class);
                    assertThat(p.enabled()).isTrue();
                    assertThat(p.issuer()).isEqualTo("https://idp.example/realms/x");
                    assertThat(p.configuredJwksUrl()).contains(URI.create("https://idp.example/keys"));
                    assertThat(p.audience()).isEqualTo("berth-client");
                    assertThat(p.clockSkew()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(p.jwksCacheTtl()).isEqualTo(Duration.ofMinutes(10));
                    assertThat(p.emailClaim()).isEqualTo("upn");
                });
    }

    @Test
    void disabledByDefaultWithDocumentedDefaults() {
        withEnv(Map.of()).run(ctx -> {
            OidcProperties p = ctx.getBean(OidcProperties.class);
            assertThat(p.enabled()).isFalse();
            assertThat(p.configuredJwksUrl()).isEmpty();
            assertThat(p.clockSkew()).isEqualTo(Duration.ofSeconds(60));
            assertThat(p.jwksCacheTtl()).isEqualTo(Duration.ofMinutes(5));
            assertThat(p.jwksTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(p.jwksMaxSize()).isEqualTo(DataSize.ofKilobytes(256));
            assertThat(p.emailClaim()).isEqualTo("email");
            assertThat(p.nameClaim()).isEqualTo("name");
            assertThat(p).isEqualTo(OidcProperties.disabled());
        });
    }

    @Test
    void emptyVariablesMeanUnset() {
        withEnv(Map.of("BERTH_OIDC_ISSUER", "", "BERTH_OIDC_JWKS_URL", "", "BERTH_OIDC_AUDIENCE", "")).run(ctx -> {
            OidcProperties p = ctx.getBean(OidcProperties.class);
            assertThat(p.enabled()).isFalse();
            assertThat(p.configuredJwksUrl()).isEmpty();
        });
    }

    @Test
    void issuerWithoutAudienceFailsStartUpNamingTheSetting() {
        withEnv(Map.of("BERTH_OIDC_ISSUER", "https://idp.example")).run(ctx ->
                assertThat(ctx).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("berth.oidc.audience (BERTH_OIDC_AUDIENCE) is required"));
    }

    @Test
    void issuerMustBeAnHttpUrl() {
        withEnv(Map.of("BERTH_OIDC_ISSUER", "idp.example", "BERTH_OIDC_AUDIENCE", "berth")).run(ctx ->
                assertThat(ctx).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("berth.oidc.issuer (BERTH_OIDC_ISSUER) must be an absolute http(s) URL"));
    }
}
