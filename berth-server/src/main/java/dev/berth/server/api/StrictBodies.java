package dev.berth.server.api;

import dev.berth.core.error.InvalidRequestException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON body read as a record whose every field is honoured: a field the record does not have is refused
 * (400 naming it) instead of being ignored.
 */
public final class StrictBodies {

    private StrictBodies() {
    }

    /** The record in {@code body}; null for no body. */
    public static <T extends Record> T parse(JsonNode body, Class<T> type, JsonMapper json) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return null;
        }
        if (!body.isObject()) {
            throw new InvalidRequestException("body must be a JSON object");
        }
        Set<String> fields = Arrays.stream(type.getRecordComponents()).map(c -> c.getName())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        for (String f : body.propertyNames()) {
            if (!fields.contains(f)) {
                throw new InvalidRequestException(f + ": unknown field; this request has " + fields);
            }
        }
        try {
            return json.treeToValue(body, type);
        } catch (JacksonException e) {
            String field = e instanceof tools.jackson.databind.DatabindException de && !de.getPath().isEmpty()
                    ? de.getPath().stream().map(r -> r.getPropertyName() != null ? r.getPropertyName()
                            : "[" + r.getIndex() + "]").collect(Collectors.joining(".")) : "body";
            throw new InvalidRequestException(field + ": " + e.getOriginalMessage());
        }
    }
}
