package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.ExecRequest;
import dev.berth.server.sandbox.SandboxStore;
import dev.berth.server.toolbox.ToolboxError;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The process environment changes of {@code POST /env} ({@code sandbox.updateEnv}), per sandbox and
 * organization, applied to every process the toolbox spawns afterwards (execute, code-run, session shells,
 * PTYs); running processes keep theirs, as with Daytona's daemon. Set variables are merged under the
 * request's own envs. Unset names are removed from the spawned process's environment by starting it through
 * {@code env -u NAME ...} (the agent can only add variables), so that needs an {@code env} on the image's PATH.
 * Kept on the sandbox's row (so every control-plane replica applies them) and cleared when the sandbox leaves
 * the running states (a restarted daemon starts from the image environment too). Bounded; values are never
 * logged nor returned.
 */
@Component
public class SandboxEnv {

    static final int MAX_VARS = 256;
    static final int MAX_KEY_BYTES = 256;
    static final int MAX_VALUE_BYTES = 32 * 1024;
    static final int MAX_TOTAL_BYTES = 256 * 1024;

    /** Immutable snapshot: variables to set, names to remove (disjoint). */
    record Vars(Map<String, String> set, Set<String> unset) {

        static final Vars EMPTY = new Vars(Map.of(), Set.of());
    }

    private final SandboxStore store;
    private final JsonMapper json;
    private final Clock clock;

    SandboxEnv(SandboxStore store, JsonMapper json, Clock clock) {
        this.store = store;
        this.json = json;
        this.clock = clock;
    }

    private Vars read(String stored) {
        if (stored == null || stored.isEmpty()) {
            return Vars.EMPTY;
        }
        Vars v = json.readValue(stored, Vars.class);
        return new Vars(v.set() == null ? Map.of() : v.set(), v.unset() == null ? Set.of() : v.unset());
    }

    /** Removes {@code unset}, then sets {@code set} (a name in both ends up set). All or nothing. */
    public void update(Target t, Map<String, String> set, List<String> unset) {
        Map<String, String> s = set == null ? Map.of() : set;
        List<String> u = unset == null ? List.of() : unset;
        if (s.size() > MAX_VARS || u.size() > MAX_VARS) {
            throw ToolboxException.badRequest("at most " + MAX_VARS + " variables per request");
        }
        u.forEach(SandboxEnv::checkName);
        s.forEach((k, v) -> {
            checkName(k);
            if (v == null) {
                throw ToolboxException.badRequest("the value of environment variable '" + k + "' is null");
            }
            if (v.indexOf('\0') >= 0 || v.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
                throw ToolboxException.badRequest("the value of environment variable '" + k + "' contains NUL or "
                        + "is larger than " + MAX_VALUE_BYTES + " bytes");
            }
        });
        store.update(t.sandbox().getId(), sandbox -> {
            Vars cur = read(sandbox.getToolboxEnvJson());
            Map<String, String> nextSet = new LinkedHashMap<>(cur.set());
            Set<String> nextUnset = new LinkedHashSet<>(cur.unset());
            for (String name : u) {
                nextSet.remove(name);
                nextUnset.add(name);
            }
            for (Map.Entry<String, String> e : s.entrySet()) {
                nextUnset.remove(e.getKey());
                nextSet.put(e.getKey(), e.getValue());
            }
            if (nextSet.size() + nextUnset.size() > MAX_VARS) {
                throw new ToolboxException(ToolboxError.BAD_REQUEST, "a sandbox keeps at most " + MAX_VARS
                        + " set or unset environment variables");
            }
            long total = 0;
            for (Map.Entry<String, String> e : nextSet.entrySet()) {
                total += e.getKey().length() + 1 + e.getValue().getBytes(StandardCharsets.UTF_8).length;
            }
            if (total > MAX_TOTAL_BYTES) {
                throw ToolboxException.badRequest("the environment set for this sandbox would exceed "
                        + MAX_TOTAL_BYTES + " bytes");
            }
            sandbox.replaceToolboxEnv(nextSet.isEmpty() && nextUnset.isEmpty() ? null
                    : json.writeValueAsString(new Vars(nextSet, nextUnset)), clock.instant());
        });
    }

    /**
     * The request with the sandbox's environment changes: set variables under the request's own env, and the
     * unset names (not set again by the request) removed through an {@code env -u} wrapper.
     */
    public ExecRequest apply(Target t, ExecRequest req) {
        Vars v = read(t.sandbox().getToolboxEnvJson());
        Map<String, String> spawn = spawnEnv(t.sandbox().getSpawnEnvJson());
        if (v.set().isEmpty() && v.unset().isEmpty() && spawn.isEmpty()) {
            return req;
        }
        // a warm pool's sandbox was started before its create named an env: that env, under the toolbox's changes
        Map<String, String> env = new LinkedHashMap<>(spawn);
        env.keySet().removeAll(v.unset());
        env.putAll(v.set());
        env.putAll(req.env());
        List<String> argv = req.argv();
        List<String> drop = v.unset().stream().filter(n -> !env.containsKey(n)).toList();
        if (!drop.isEmpty()) {
            List<String> wrapped = new ArrayList<>(2 * drop.size() + argv.size() + 1);
            wrapped.add("env");
            for (String n : drop) {
                wrapped.add("-u");
                wrapped.add(n);
            }
            wrapped.addAll(argv);
            argv = wrapped;
        }
        return new ExecRequest(argv, req.cwd(), env, req.replaceEnv(), req.user(), req.tty(), req.cols(), req.rows(),
                req.timeout());
    }

    private Map<String, String> spawnEnv(String stored) {
        if (stored == null || stored.isEmpty()) {
            return Map.of();
        }
        Map<String, String> m = json.readValue(stored, new tools.jackson.core.type.TypeReference<Map<String, String>>() {
        });
        return m == null ? Map.of() : m;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES
                || name.chars().anyMatch(c -> c == '=' || c < 0x20 || c == 0x7f)) {
            throw ToolboxException.badRequest("environment variable names must be 1-" + MAX_KEY_BYTES
                    + " bytes without '=' or control characters");
        }
    }
}
