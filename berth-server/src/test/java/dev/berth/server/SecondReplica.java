package dev.berth.server;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** A second control-plane replica in the test JVM, on the same PostgreSQL database as the test's own context. */
public final class SecondReplica {

    private SecondReplica() {
    }

    /**
     * Starts it on a random port with its own data directory, the test engine and the test admin key.
     *
     * @param extra more {@code --name=value} arguments; {@code sources} are added to the application's
     */
    public static ConfigurableApplicationContext start(String databaseUrl, List<Class<?>> sources, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.datasource.url=" + databaseUrl,
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=",
                "--berth.data-dir=" + tempDir(),
                "--berth.docker-host=" + BerthIT.dockerHost(),
                "--berth.admin-api-key=" + BerthIT.ADMIN_KEY,
                "--berth.images.cache-dir=" + BerthIT.imageCache(),
                "--berth.images.build-default=false",
                "--berth.images-dir=" + System.getProperty("berth.images.dir", "../images"),
                "--berth.agent-binary=" + System.getProperty("berth.agent.binary", ""),
                "--berth.reconciler.interval=1h",
                "--berth.ssh.port=0")); // any free port: 2222 may be another replica's, or a running Berth's
        args.addAll(List.of(extra));
        List<Class<?>> all = new ArrayList<>(List.of(BerthServerApplication.class));
        all.addAll(sources);
        return new SpringApplicationBuilder(all.toArray(Class<?>[]::new)).run(args.toArray(String[]::new));
    }

    public static int port(ConfigurableApplicationContext replica) {
        return ((WebServerApplicationContext) replica).getWebServer().getPort();
    }

    private static String tempDir() {
        try {
            return Files.createTempDirectory("berth-it-second-").toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
