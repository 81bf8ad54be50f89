package dev.berth.server.sandbox;

import dev.berth.server.Postgres;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The repository contract on the real PostgreSQL of this machine, in a fresh database per run so
 * the same Flyway migrations start from nothing.
 */
class PostgresSandboxRepositoryIT extends SandboxRepositoryContract {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        Postgres.register(registry);
    }
}
