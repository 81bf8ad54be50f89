package dev.berth.server.sandbox;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The repository contract on the real PostgreSQL of this machine (127.0.0.1:5432), in a fresh
 * database per run so the same Flyway migrations start from nothing.
 */
class PostgresSandboxRepositoryIT extends SandboxRepositoryContract {

    static final String DB = "berth_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) throws SQLException {
        try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                var st = c.createStatement()) {
            st.execute("create database " + DB);
        }
        registry.add("spring.datasource.url", () -> "jdbc:postgresql://127.0.0.1:5432/" + DB);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }
}
