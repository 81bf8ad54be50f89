package dev.berth.server.org;

import dev.berth.server.BerthIT;
import dev.berth.server.BerthServerApplication;
import dev.berth.server.Postgres;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The quota race with two control-plane instances on one PostgreSQL database, requests alternating between them. */
class TwoInstancesQuotaRaceIT extends QuotaRaceContract {

    static String url;
    static ConfigurableApplicationContext second;

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        url = Postgres.freshDatabaseUrl();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    @BeforeAll
    static void startSecondInstance() throws Exception {
        // the first instance (the test's context) migrates the schema; wait for it by starting after it
        second = null;
    }

    @Override
    protected List<Integer> ports() {
        if (second == null) {
            try {
                second = new SpringApplicationBuilder(BerthServerApplication.class).run(
                        "--server.port=0",
                        "--spring.datasource.url=" + url,
                        "--spring.datasource.username=postgres",
                        "--spring.datasource.password=",
                        "--berth.data-dir=" + Files.createTempDirectory("berth-it-second-"),
                        "--berth.docker-host=" + BerthIT.dockerHost(),
                        "--berth.admin-api-key=" + ADMIN_KEY,
                        "--berth.images.cache-dir=" + BerthIT.imageCache(),
                        "--berth.images.build-default=false",
                        "--berth.images-dir=" + System.getProperty("berth.images.dir", "../images"),
                        "--berth.agent-binary=" + System.getProperty("berth.agent.binary", ""),
                        "--berth.reconciler.interval=1h");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        int secondPort = ((WebServerApplicationContext) second).getWebServer().getPort();
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
