package dev.berth.server.org;

import dev.berth.server.Postgres;
import dev.berth.server.SecondReplica;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The quota race with two control-plane instances on one PostgreSQL database, requests alternating between them. */
class TwoInstancesQuotaRaceIT extends QuotaRaceContract {

    static String url;
    static ConfigurableApplicationContext second;

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        url = Postgres.register(registry);
    }

    @BeforeAll
    static void startSecondInstance() throws Exception {
        // the first instance (the test's context) migrates the schema; wait for it by starting after it
        second = null;
    }

    @Override
    protected List<Integer> ports() {
        if (second == null) {
            second = SecondReplica.start(url, List.of());
        }
        int secondPort = SecondReplica.port(second);
        awaitHealthy(secondPort);
        return List.of(port, secondPort);
    }

    @AfterAll
    static void stopSecondInstance() {
        if (second != null) {
            second.close();
        }
    }
}
