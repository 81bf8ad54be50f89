package dev.berth.server.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Derives audit action names and target types from a route, so every endpoint is named without
 * annotations. The literal segments after {@code /api} become the name ({@code -} as {@code _}),
 * and a verb is appended where the route does not end in one:
 * <ul>
 * <li>{@code POST /api/sandbox} → {@code sandbox.create} (a top-level collection)</li>
 * <li>{@code POST /api/sandbox/{idOrName}/stop} → {@code sandbox.stop} (the last segment is the verb)</li>
 * <li>{@code POST /api/toolbox/{sandboxId}/process/execute} → {@code toolbox.process.execute}</li>
 * <li>{@code POST /api/sandbox/{id}/autostop/{interval}} → {@code sandbox.autostop.update}</li>
 * <li>{@code PUT|PATCH ...} → {@code ….update}; {@code DELETE ...} → {@code ….delete}</li>
 * <li>{@code GET /api/toolbox/{sandboxId}/files/info} → {@code toolbox.files.info}; ending in a
 * variable: {@code ….read}</li>
 * </ul>
 */
final class ActionNames {

    private ActionNames() {
    }

    static String action(String method, String pattern) {
        List<String> literals = literals(pattern);
        String base = literals.isEmpty() ? "api" : String.join(".", literals);
        boolean endsWithVariable = pattern.endsWith("}");
        String verb = switch (method.toUpperCase(Locale.ROOT)) {
            case "POST" -> endsWithVariable ? "update" : literals.size() <= 1 ? "create" : null;
            case "PUT", "PATCH" -> "update";
            case "DELETE" -> "delete";
            default -> endsWithVariable ? "read" : null;
        };
        return verb == null ? base : base + "." + verb;
    }

    /**
     * The kind of resource the route addresses: its first literal segment in the singular;
     * toolbox routes address a sandbox.
     */
    static String targetType(String pattern) {
        List<String> literals = literals(pattern);
        if (literals.isEmpty()) {
            return null;
        }
        String first = literals.get(0);
        if (first.equals("toolbox")) {
            return "sandbox";
        }
        return first.endsWith("s") && !first.endsWith("ss") ? first.substring(0, first.length() - 1) : first;
    }

    private static List<String> literals(String pattern) {
        List<String> out = new ArrayList<>();
        String path = pattern.startsWith("/api/") ? pattern.substring(5) : pattern;
        for (String seg : path.split("/")) {
            if (!seg.isEmpty() && !seg.startsWith("{") && !seg.contains("*")) {
                out.add(seg.toLowerCase(Locale.ROOT).replace('-', '_'));
            }
        }
        return out;
    }
}
