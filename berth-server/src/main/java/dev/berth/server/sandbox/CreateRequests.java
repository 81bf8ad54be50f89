package dev.berth.server.sandbox;

import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.UnprocessableException;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a create body so that every field is honoured or refused by name: the fields of {@link CreateSandboxRequest}
 * ({@code public} on the wire for {@code isPublic}), and the Daytona SDK's fields Berth does not offer, accepted only
 * with a value that asks for nothing (a 422 naming the field otherwise). Anything else is a 400 naming it.
 */
final class CreateRequests {

    /** SDK fields for features Berth does not have: {@code false}, {@code null}, empty or blank ask for nothing. */
    private static final Set<String> UNOFFERED = Set.of("gpuType", "spot", "kvm", "outboundProxyUrl",
            "otelEndpointOverride", "linkedSandbox", "secrets");

    private static final Set<String> KNOWN = Arrays.stream(CreateSandboxRequest.class.getRecordComponents())
            .map(c -> c.getName().equals("isPublic") ? "public" : c.getName())
            .collect(Collectors.toCollection(TreeSet::new));

    private CreateRequests() {
    }

    static CreateSandboxRequest parse(JsonNode body, JsonMapper json) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return null;
        }
        if (!(body instanceof ObjectNode obj)) {
            throw new InvalidRequestException("body must be a JSON object");
        }
        ObjectNode copy = obj.deepCopy();
        for (String f : new TreeSet<>(obj.propertyNames())) {
            if (UNOFFERED.contains(f)) {
                refuseIfAsked(f, obj.get(f));
                copy.remove(f);
            } else if (!KNOWN.contains(f)) {
                throw new InvalidRequestException(f + ": unknown field; a create has " + KNOWN);
            }
        }
        if (copy.has("public")) {
            copy.set("isPublic", copy.remove("public"));
        }
        try {
            return json.treeToValue(copy, CreateSandboxRequest.class);
        } catch (JacksonException e) {
            String field = "";
            if (e instanceof tools.jackson.databind.DatabindException de && !de.getPath().isEmpty()) {
                field = de.getPath().stream().map(r -> r.getPropertyName() != null ? r.getPropertyName()
                        : "[" + r.getIndex() + "]").collect(Collectors.joining("."));
                field = field.equals("isPublic") ? "public" : field;
            }
            throw new InvalidRequestException((field.isEmpty() ? "body" : field) + ": " + e.getOriginalMessage());
        }
    }

    private static void refuseIfAsked(String field, JsonNode v) {
        boolean nothing = v == null || v.isNull() || (v.isBoolean() && !v.asBoolean())
                || (v.isString() && v.asString().isBlank()) || (v.isArray() && v.isEmpty())
                || (v.isObject() && v.isEmpty());
        if (!nothing) {
            throw new UnprocessableException(field + ": not offered by this Berth installation ("
                    + switch (field) {
                        case "gpuType" -> "it has no GPUs";
                        case "spot" -> "there are no spot sandboxes";
                        case "kvm" -> "sandboxes are containers, without /dev/kvm";
                        case "secrets" -> "there is no secret store yet; pass values in env";
                        default -> "not supported yet";
                    } + "); leave it out");
        }
    }
}
