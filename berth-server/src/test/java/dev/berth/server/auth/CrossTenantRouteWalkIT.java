package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.org.Tenants;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * Walks every registered route (read from Spring's handler mappings, so new routes are covered
 * automatically) with a second organization's all-permission key, aimed at the first
 * organization's sandbox and organization, and asserts no access: never 2xx on a foreign
 * resource, never a 403 that would confirm it exists (except /api/admin, refused to every
 * non-admin), nothing of the victim in any response, and the victim unchanged afterwards.
 */
class CrossTenantRouteWalkIT extends BerthIT {

    @Autowired
    Tenants tenants;

    @Autowired
    ApplicationContext context;

    /** @param adminOnly refused with 403 to every non-admin whatever the id, so a 403 reveals nothing */
    record Route(String method, String pattern, boolean adminOnly) {
    }

    @Test
    void everyRouteDeniesAnotherOrganization() {
        var victim = tenants.owner();
        var attacker = tenants.owner();
        JsonNode sb = ok(call("POST", "/api/sandbox", victim.key(),
                "{\"snapshot\":\"berth/busybox\",\"name\":\"victim-box\",\"labels\":{\"owner\":\"victim-secret\"}}"));
        String sandboxId = sb.get("id").asString();

        List<Route> routes = routes();
        List<String> failures = new ArrayList<>();
        for (Route r : routes) {
            String path = r.pattern().replaceAll("\\{[^}]*(org|Org)[^}]*}", victim.orgId())
                    .replaceAll("\\{\\*[^}]*}", "x").replace("/**", "/x")
                    .replaceAll("\\{[^}]+}", sandboxId);
            String body = Set.of("POST", "PUT", "PATCH").contains(r.method()) ? "{}" : null;
            var resp = call(r.method(), path + (path.contains("?") ? "" : "?path=/etc/hostname"), attacker.key(), body);
            int st = resp.statusCode();
            boolean foreign = r.pattern().contains("{");
            String text = resp.body() == null ? "" : resp.body();
            if (foreign && st / 100 == 2) {
                failures.add(r + " -> " + st + " (access to a foreign resource)");
            }
            if (st == 403 && foreign && !r.adminOnly()) {
                failures.add(r + " -> 403 confirms that the foreign resource exists: " + text);
            }
            if (st >= 500 && st != 503) {
                failures.add(r + " -> " + st + ": " + text);
            }
            // the attacker sent only the id; the name and labels must never come back
            if (text.contains("victim-box") || text.contains("victim-secret")) {
                failures.add(r + " -> response mentions the victim's sandbox: " + text);
            }
        }
        // WebSocket endpoints registered outside the MVC mappings
        for (String wsPattern : webSocketPatterns()) {
            String path = wsPattern.replace("*", sandboxId);
            if (webSocketOpens(path, attacker.key())) {
                failures.add("WS " + wsPattern + " opened for another organization");
            }
        }
        System.out.printf("cross-tenant route walk: %d MVC routes and %d WebSocket endpoints checked%n",
                routes.size(), webSocketPatterns().size());
        assertThat(failures).isEmpty();
        assertThat(routes.size()).isGreaterThan(20);

        JsonNode after = ok(call("GET", "/api/sandbox/" + sandboxId, victim.key(), null));
        assertThat(after.get("state").asString()).isEqualTo("started");
        assertThat(after.get("labels").get("owner").asString()).isEqualTo("victim-secret");
        assertThat(call("GET", "/api/organizations/" + victim.orgId(), victim.key(), null).statusCode()).isEqualTo(200);
        ok(call("DELETE", "/api/sandbox/" + sandboxId, victim.key(), null));
    }

    @Test
    void everyRouteDeclaresItsAccess() {
        List<String> undeclared = new ArrayList<>();
        for (var e : handlerMapping().getHandlerMethods().entrySet()) {
            HandlerMethod hm = e.getValue();
            boolean declared = has(hm, RequiresPermission.class) || has(hm, Access.class);
            boolean toolbox = e.getKey().getPatternValues().stream().allMatch(p -> p.startsWith("/api/toolbox/"));
            boolean framework = e.getKey().getPatternValues().stream().noneMatch(p -> p.startsWith("/api/"));
            if (!declared && !toolbox && !framework) {
                undeclared.add(e.getKey().toString());
            }
        }
        assertThat(undeclared).as("handlers without @Access or @RequiresPermission").isEmpty();
    }

    private static boolean has(HandlerMethod hm, Class<? extends java.lang.annotation.Annotation> a) {
        return AnnotatedElementUtils.hasAnnotation(hm.getMethod(), a) || AnnotatedElementUtils.hasAnnotation(hm.getBeanType(), a);
    }

    private RequestMappingHandlerMapping handlerMapping() {
        return context.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
    }

    private List<Route> routes() {
        Set<Route> out = new java.util.LinkedHashSet<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : handlerMapping().getHandlerMethods().entrySet()) {
            Set<RequestMethod> methods = e.getKey().getMethodsCondition().getMethods();
            for (String pattern : e.getKey().getPatternValues()) {
                if (!pattern.startsWith("/api/") || pattern.equals("/api/health") || pattern.equals("/api/config")
                        || isEventStream(pattern)) {
                    continue;
                }
                Access access = AnnotatedElementUtils.findMergedAnnotation(e.getValue().getMethod(), Access.class);
                if (access == null) {
                    access = AnnotatedElementUtils.findMergedAnnotation(e.getValue().getBeanType(), Access.class);
                }
                boolean adminOnly = access != null && access.value() == Access.Level.SYSTEM_ADMIN;
                for (RequestMethod m : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    out.add(new Route(m.name(), pattern, adminOnly));
                }
            }
        }
        return new ArrayList<>(out);
    }

    private Set<String> webSocketPatterns() {
        Set<String> out = new TreeSet<>();
        for (AbstractUrlHandlerMapping m : context.getBeansOfType(AbstractUrlHandlerMapping.class).values()) {
            for (String p : m.getHandlerMap().keySet()) {
                if (p.startsWith("/api/") && !isEventStream(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /**
     * The event streams never end by themselves, and the Socket.IO upgrade is unauthenticated by design (the
     * token comes in the CONNECT packet); their isolation is proven per event by EventStreamIT.
     */
    private static boolean isEventStream(String pattern) {
        return pattern.startsWith("/api/socket.io") || pattern.equals("/api/events/stream");
    }

    private boolean webSocketOpens(String path, String key) {
        try {
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + key)
                    .subprotocols("X-Daytona-Pty-Exit-Control")
                    .connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("ws://localhost:" + port + path), new WebSocket.Listener() {
                    }).get(10, TimeUnit.SECONDS);
            ws.abort();
            return true;
        } catch (CompletionException | java.util.concurrent.ExecutionException e) {
            return false;
        } catch (Exception e) {
            return false;
        }
    }
}
