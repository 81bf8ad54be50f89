package dev.berth.server.auth.oidc;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.Map;

/** Reads {@code jwks_uri} from the issuer's {@code /.well-known/openid-configuration} (OpenID Connect Discovery 1.0). */
final class OidcDiscovery {

    private final ResourceRetriever retriever;

    OidcDiscovery(ResourceRetriever retriever) {
        this.retriever = retriever;
    }

    static URI documentUrl(String issuer) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return URI.create(base + "/.well-known/openid-configuration");
    }

    /** The key set URL the issuer publishes; the document must name the same issuer (spec, section 4.3). */
    URL jwksUrl(String issuer) {
        URI doc = documentUrl(issuer);
        String hint = "; or set berth.oidc.jwks-url (BERTH_OIDC_JWKS_URL) to skip discovery";
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(retriever.retrieveResource(doc.toURL()).getContent());
        } catch (IOException e) {
            throw new IssuerUnavailableException("cannot read the issuer's discovery document: " + e.getMessage()
                    + hint, e);
        } catch (ParseException e) {
            throw new IssuerUnavailableException("the discovery document at " + doc + " is not a JSON object" + hint, e);
        }
        try {
            String named = JSONObjectUtils.getString(json, "issuer");
            if (named != null && !named.equals(issuer)) {
                throw new IssuerUnavailableException("the discovery document at " + doc + " names issuer '" + named
                        + "', not the configured '" + issuer + "'; set berth.oidc.issuer exactly as the issuer "
                        + "spells it (a trailing slash matters)", null);
            }
            URI jwks = JSONObjectUtils.getURI(json, "jwks_uri");
            if (jwks == null || !jwks.isAbsolute()) {
                throw new IssuerUnavailableException("the discovery document at " + doc
                        + " has no absolute 'jwks_uri'" + hint, null);
            }
            return jwks.toURL();
        } catch (ParseException | IOException | IllegalArgumentException e) {
            throw new IssuerUnavailableException("the discovery document at " + doc + " has an invalid 'issuer' or "
                    + "'jwks_uri': " + e.getMessage() + hint, e);
        }
    }
}
