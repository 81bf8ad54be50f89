package dev.berth.server.health;

import dev.berth.server.auth.Access;
import dev.berth.server.runner.RunnerRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** 200 {"status":"ok"} once the database is migrated and a runner is ready; 503 with the reason before. */
@RestController
public class HealthController {

    private final RunnerRegistry runners;
    private final JdbcTemplate jdbc;

    public HealthController(RunnerRegistry runners, JdbcTemplate jdbc) {
        this.runners = runners;
        this.jdbc = jdbc;
    }

    @GetMapping("/api/health")
    @Access(Access.Level.PUBLIC)
    public ResponseEntity<Map<String, Object>> health() {
        Map<String, Object> body = new LinkedHashMap<>();
        try {
            jdbc.queryForObject("select count(*) from organization", Integer.class);
        } catch (RuntimeException e) {
            body.put("status", "unavailable");
            body.put("reason", "database is not reachable or not migrated: " + e.getMessage());
            return ResponseEntity.status(503).body(body);
        }
        var notReady = runners.notReadyReason();
        if (notReady.isPresent()) {
            body.put("status", "unavailable");
            body.put("reason", notReady.get());
            return ResponseEntity.status(503).body(body);
        }
        body.put("status", "ok");
        return ResponseEntity.ok(body);
    }
}
