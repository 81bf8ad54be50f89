package dev.berth.server.org;

import dev.berth.server.Postgres;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The quota race on PostgreSQL. */
class PostgresQuotaRaceIT extends QuotaRaceContract {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        Postgres.register(registry);
    }
}
