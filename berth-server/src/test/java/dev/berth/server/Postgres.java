package dev.berth.server;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/** A fresh database on this machine's PostgreSQL (127.0.0.1:5432, trust auth) for one test class. */
public final class Postgres {

    private Postgres() {
    }

    public static String freshDatabaseUrl() {
        String db = "berth_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                var st = c.createStatement()) {
            st.execute("create database " + db);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at 127.0.0.1:5432 is not usable (./berth test starts it): "
                    + e.getMessage(), e);
        }
        return "jdbc:postgresql://127.0.0.1:5432/" + db;
    }

    /** Points the test's context at a fresh database; returns its URL (a second replica can join it). */
    public static String register(DynamicPropertyRegistry registry) {
        String url = freshDatabaseUrl();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
        return url;
    }
}
