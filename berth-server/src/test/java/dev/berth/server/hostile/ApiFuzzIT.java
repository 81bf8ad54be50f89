package dev.berth.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.org.Tenants;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Issue 9: a bounded, seeded fuzz pass over every route Spring knows (so a new route is fuzzed without anyone
 * remembering to), as a tenant holding every permission against a real sandbox. Path variables, query parameters,
 * bodies (shaped from the handler's request record, or plainly malformed) and content types are generated; any 5xx
 * or a hang fails the test, listing each request so it can be replayed with {@code -Dberth.fuzz.seed=}.
 */
// its own context and database (fuzzed state stays here); creates without a snapshot get busybox, as the default
// image is not built in tests
@TestPropertySource(properties = {"berth.fuzz.context=own", "berth.sandbox.default-snapshot-fallback=berth/busybox"})
class ApiFuzzIT extends BerthIT {

    private static final long SEED = Long.getLong("berth.fuzz.seed", 20261203L);
    private static final int PER_ROUTE = Integer.getInteger("berth.fuzz.per-route", 12);
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");
    private static final String[] SCALARS = {"", "-1", "0", "1", "2147483648", "-9223372036854775809", "1e309",
            "NaN", "true", "null", "/tmp/fuzz", "../../etc/passwd", "x".repeat(5000), "\u00e9\u4e2d\ud83d\ude00",
            "a b", "*", "%", "{}", "[]", "PT1H", "-PT1S"};

    @Autowired
    Tenants tenants;

    @Autowired
    ApplicationContext context;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String key;
    private final java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();

    record Route(String method, String pattern, HandlerMethod handler) {
    }

    @AfterEach
    void cleanUp() {
        if (key != null) {
            json(call("GET", "/api/sandbox", key, null)).get("items")
                    .forEach(s -> call("DELETE", "/api/sandbox/" + s.get("id").asString(), key, null));
        }
    }

    @Test
    void noGeneratedRequestGetsAServerError() throws Exception {
        key = tenants.owner().key();
        String sandbox = ok(call("POST", "/api/sandbox", key, "{\"snapshot\":\"berth/busybox\"}")).get("id").asString();
        ok(call("POST", "/api/toolbox/" + sandbox + "/process/execute", key,
                "{\"command\":\"sh -c 'mkdir -p /tmp/fuzz && echo hi > /tmp/fuzz/a'\"}"));
        Random rnd = new Random(SEED);
        List<Route> routes = routes();
        assertThat(routes).hasSizeGreaterThan(50);
        List<String> failures = new ArrayList<>();
        int sent = 0;
        for (Route r : routes) {
            for (int i = 0; i < PER_ROUTE; i++) {
                String line = send(r, key, sandbox, rnd);
                sent++;
                if (line != null) {
                    failures.add(line);
                }
            }
        }
        System.out.printf("api fuzz: seed %d, %d routes, %d requests, %d server errors; answers by status: %s%n", SEED,
                routes.size(), sent, failures.size(), statuses);
        failures.forEach(f -> System.out.println("api fuzz failure: " + f));
        assertThat(failures).as("5xx or hangs (seed %d; replay with -Dberth.fuzz.seed=%d)", SEED, SEED).isEmpty();
    }

    /** One generated request; a description of it when the answer was a 5xx or none came, else null. */
    private String send(Route r, String key, String sandbox, Random rnd) throws Exception {
        String path = path(r, sandbox, rnd) + query(r, rnd);
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(60));
        } catch (IllegalArgumentException e) {
            return null; // the client library refuses to send it at all
        }
        b.header("Authorization", "Bearer " + key);
        String described;
        if (List.of("POST", "PUT", "PATCH").contains(r.method())) {
            byte[] body = body(r, rnd);
            String type = pick(rnd, "application/json", "application/json", "application/json", "text/plain",
                    "application/json; charset=ISO-8859-1", "multipart/form-data", "*/*", null);
            if (type != null) {
                b.header("Content-Type", type);
            }
            b.method(r.method(), HttpRequest.BodyPublishers.ofByteArray(body));
            described = r.method() + " " + path + " [" + type + "] " + abbreviate(new String(body,
                    StandardCharsets.UTF_8));
        } else {
            b.method(r.method(), HttpRequest.BodyPublishers.noBody());
            described = r.method() + " " + path;
        }
        try {
            HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            statuses.merge(res.statusCode(), 1, Integer::sum);
            return res.statusCode() >= 500 ? res.statusCode() + " " + described + " -> " + abbreviate(res.body()) : null;
        } catch (java.net.http.HttpTimeoutException e) {
            return "no answer within 60 s: " + described;
        }
    }

    private String path(Route r, String sandbox, Random rnd) {
        Matcher m = VARIABLE.matcher(r.pattern());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v;
            // the real sandbox for toolbox and reads; elsewhere a mutation could stop or delete the fuzz target
            boolean real = m.group(1).equals("sandboxId") || m.group(1).equals("sandboxIdOrName");
            if (real && (r.pattern().startsWith("/api/toolbox/") || r.method().equals("GET")) && rnd.nextInt(4) > 0) {
                v = sandbox;
            } else {
                v = pick(rnd, java.util.UUID.randomUUID().toString(), "x".repeat(3000), "%ff", "%00", "-1",
                        "99999999999999999999", "\u00fc", "a.b", "null", "nonexistent");
                v = v.startsWith("%") ? v : URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String query(Route r, Random rnd) {
        List<String> parts = new ArrayList<>();
        for (Parameter p : r.handler().getMethod().getParameters()) {
            RequestParam rp = p.getAnnotation(RequestParam.class);
            if (rp == null || rnd.nextInt(5) == 0) {
                continue;
            }
            String name = !rp.name().isEmpty() ? rp.name() : !rp.value().isEmpty() ? rp.value() : p.getName();
            String v = rnd.nextInt(8) == 0 ? "%ff" : URLEncoder.encode(SCALARS[rnd.nextInt(SCALARS.length)],
                    StandardCharsets.UTF_8);
            parts.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + v);
        }
        if (rnd.nextInt(4) == 0) {
            parts.add("unknown=%E9");
        }
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    private byte[] body(Route r, Random rnd) {
        switch (rnd.nextInt(10)) {
            case 0:
                return new byte[0];
            case 1:
                return new byte[] {(byte) 0xff, (byte) 0xfe, '{', (byte) 0xc3};
            case 2:
                return "[".repeat(3000).getBytes(StandardCharsets.US_ASCII);
            case 3:
                return pick(rnd, "null", "[]", "42", "\"s\"", "{\"a\":", "{}}").getBytes(StandardCharsets.UTF_8);
            default:
                return shapedObject(r, rnd).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A JSON object with the request record's field names and values of the wrong (or right) kind. */
    private String shapedObject(Route r, Random rnd) {
        List<String> fields = new ArrayList<>();
        for (Parameter p : r.handler().getMethod().getParameters()) {
            if (p.getAnnotation(RequestBody.class) != null && p.getType().isRecord()) {
                for (RecordComponent c : p.getType().getRecordComponents()) {
                    fields.add(c.getName());
                }
            }
        }
        fields.add("unknownField");
        List<String> members = new ArrayList<>();
        for (String f : fields) {
            if (rnd.nextInt(3) > 0) {
                members.add("\"" + f + "\":" + value(rnd, 0));
            }
        }
        return "{" + String.join(",", members) + "}";
    }

    private String value(Random rnd, int depth) {
        return switch (depth > 2 ? rnd.nextInt(6) : rnd.nextInt(9)) {
            case 0 -> "null";
            case 1 -> pick(rnd, "-1", "0", "1", "3", "2147483648", "-9223372036854775809", "1e309", "0.5", "-0");
            case 2 -> pick(rnd, "true", "false");
            case 3, 4 -> "\"" + pick(rnd, SCALARS).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case 5 -> "\"" + "y".repeat(rnd.nextInt(70_000)) + "\"";
            case 6 -> "[" + value(rnd, depth + 1) + "," + value(rnd, depth + 1) + "]";
            default -> "{\"k\":" + value(rnd, depth + 1) + ",\"PATH\":" + value(rnd, depth + 1) + "}";
        };
    }

    @SafeVarargs
    private static <T> T pick(Random rnd, T... options) {
        return options[rnd.nextInt(options.length)];
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
    }

    private List<Route> routes() {
        RequestMappingHandlerMapping mapping = context.getBean("requestMappingHandlerMapping",
                RequestMappingHandlerMapping.class);
        List<Route> out = new ArrayList<>();
        mapping.getHandlerMethods().forEach((info, handler) -> {
            for (String pattern : info.getPatternValues()) {
                // the event streams never end by themselves (EventStreamIT and StreamSlotFloodIT cover them)
                if (!pattern.startsWith("/api/") || pattern.startsWith("/api/socket.io")
                        || pattern.equals("/api/events/stream") || pattern.endsWith("/follow")) {
                    continue;
                }
                var methods = info.getMethodsCondition().getMethods();
                for (RequestMethod m : methods.isEmpty() ? List.of(RequestMethod.GET) : List.copyOf(methods)) {
                    out.add(new Route(m.name(), pattern, handler));
                }
            }
        });
        out.sort(java.util.Comparator.comparing(Route::pattern).thenComparing(Route::method));
        return out;
    }
}
