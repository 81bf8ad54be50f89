package dev.berth.server.toolbox.files;

import dev.berth.server.toolbox.ToolboxException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** The daemon error body of an in-band {@code error} part of a bulk download. */
@Component
public class TransferErrors {

    private final JsonMapper json;

    public TransferErrors(JsonMapper json) {
        this.json = json;
    }

    byte[] json(ToolboxException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", e.getMessage());
        body.put("statusCode", e.status());
        body.put("code", e.code());
        body.put("source", "DAYTONA_DAEMON");
        return json.writeValueAsBytes(body);
    }
}
