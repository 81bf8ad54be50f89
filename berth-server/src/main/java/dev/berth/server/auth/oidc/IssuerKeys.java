package dev.berth.server.auth.oidc;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's signing keys. The key set URL is configured or discovered on first use (not at start-up, so an
 * issuer that is down does not stop Berth); keys are cached for {@code jwks-cache-ttl}, fetched again when a token
 * names an unknown key id (key rotation), at most twice per {@link #REFETCH_INTERVAL}, and the last good set is
 * kept for ten TTLs while the issuer is unreachable.
 */
final class IssuerKeys implements JWKSource<SecurityContext> {

    static final Duration REFETCH_INTERVAL = Duration.ofSeconds(30);
    /** After a failed discovery, further tokens fail fast with the same error for this long. */
    static final Duration DISCOVERY_RETRY = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(IssuerKeys.class);

    private final OidcProperties props;
    private final ResourceRetriever retriever;
    private final Clock clock;
    private final AtomicReference<KeySourceException> lastFetchFailure = new AtomicReference<>();

    private JWKSource<SecurityContext> source;
    private URL url;
    private IssuerUnavailableException discoveryFailure;
    private Instant discoveryRetryAt = Instant.MIN;

    IssuerKeys(OidcProperties props, ResourceRetriever retriever, Clock clock) {
        this.props = props;
        this.retriever = retriever;
        this.clock = clock;
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        return source().get(selector, context);
    }

    /** Where the keys come from, once known. */
    synchronized Optional<URL> url() {
        return Optional.ofNullable(url);
    }

    /** Why the most recent fetch of the key set failed, if it did. */
    Optional<KeySourceException> lastFetchFailure() {
        return Optional.ofNullable(lastFetchFailure.get());
    }

    private synchronized JWKSource<SecurityContext> source() {
        if (source != null) {
            return source;
        }
        url = props.configuredJwksUrl().map(IssuerKeys::toUrl).orElseGet(this::discover);
        source = JWKSourceBuilder.create(new RecordingSource(new URLBasedJWKSetSource<>(url, retriever)))
                .cache(props.jwksCacheTtl().toMillis(), props.jwksTimeout().plusSeconds(1).toMillis())
                .refreshAheadCache(false)
                .rateLimited(REFETCH_INTERVAL.toMillis())
                .retrying(false)
                .outageTolerant(true)
                .build();
        return source;
    }

    private URL discover() {
        Instant now = clock.instant();
        if (discoveryFailure != null && now.isBefore(discoveryRetryAt)) {
            throw discoveryFailure;
        }
        try {
            URL found = new OidcDiscovery(retriever).jwksUrl(props.issuer());
            log.info("OIDC issuer {} publishes its keys at {}", props.issuer(), found);
            discoveryFailure = null;
            return found;
        } catch (IssuerUnavailableException e) {
            discoveryFailure = e;
            discoveryRetryAt = now.plus(DISCOVERY_RETRY);
            throw e;
        }
    }

    private static URL toUrl(URI uri) {
        try {
            return uri.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("berth.oidc.jwks-url '" + uri + "' is not a valid URL", e);
        }
    }

    /** Remembers the outcome of the latest real fetch, so a rate-limited refetch can say why keys are missing. */
    private final class RecordingSource implements JWKSetSource<SecurityContext> {
        private final JWKSetSource<SecurityContext> delegate;

        RecordingSource(JWKSetSource<SecurityContext> delegate) {
            this.delegate = delegate;
        }

        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refresh, long currentTime, SecurityContext context)
                throws KeySourceException {
            try {
                JWKSet set = delegate.getJWKSet(refresh, currentTime, context);
                lastFetchFailure.set(null);
                return set;
            } catch (KeySourceException e) {
                lastFetchFailure.set(e);
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
