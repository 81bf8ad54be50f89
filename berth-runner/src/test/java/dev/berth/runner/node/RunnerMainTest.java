package dev.berth.runner.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --check-only}: what the launcher runs before it starts a runner's engine; it touches no engine. */
class RunnerMainTest {

    private static final List<String> USABLE = List.of("--check-only", "--runner-id", "eu-1", "--api-url",
            "http://cp:3000", "--token", "bthr_abc", "--docker-host", "unix:///nonexistent/docker.sock", "--data-dir",
            "/tmp/r", "--images-dir", "/tmp/images");

    private static int check(String... more) {
        var args = new ArrayList<>(USABLE);
        args.addAll(List.of(more));
        var cmd = new CommandLine(new RunnerMain());
        cmd.setErr(new PrintWriter(new StringWriter()));
        return cmd.execute(args.toArray(String[]::new));
    }

    private static List<String> problems(String... more) {
        var args = new ArrayList<>(USABLE);
        args.addAll(List.of(more));
        var main = new RunnerMain();
        new CommandLine(main).parseArgs(args.toArray(String[]::new));
        return main.problems();
    }

    @Test
    void usableOptionsPassWithoutAnEngine() {
        assertThat(check()).isZero();
        assertThat(problems("--protocol-version", "1", "--tunnel-bind", "10.0.0.5:7000")).isEmpty();
    }

    @Test
    void unusableOptionsAreRefusedEachWithWhatToDo() {
        assertThat(check("--token", "oops")).isEqualTo(2); // given twice: picocli refuses
        assertThat(check("--no-such-option")).isEqualTo(2);
        assertThat(problems("--heartbeat", "0s", "--protocol-version", "9", "--tunnel-bind", "nohost",
                "--denied-cidrs", "10.0.0.0/33", "--max-sandboxes", "0"))
                .hasSize(5)
                .anySatisfy(p -> assertThat(p).contains("--heartbeat"))
                .anySatisfy(p -> assertThat(p).contains("--protocol-version 9").contains("use 1 to"))
                .anySatisfy(p -> assertThat(p).contains("--tunnel-bind 'nohost'"))
                .anySatisfy(p -> assertThat(p).contains("10.0.0.0/33"))
                .anySatisfy(p -> assertThat(p).contains("--max-sandboxes"));
    }

    @Test
    void aTokenOrURLThatCannotWorkIsRefused() {
        var main = new RunnerMain();
        new CommandLine(main).parseArgs("--runner-id", "eu-1", "--api-url", "cp:3000", "--token", "abc",
                "--docker-host", "unix:///x", "--data-dir", "/tmp/r", "--images-dir", "/tmp/i");
        assertThat(main.problems()).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("--api-url 'cp:3000'"))
                .anySatisfy(p -> assertThat(p).contains("bthr_"));
        var cmd = new CommandLine(new RunnerMain());
        cmd.setErr(new PrintWriter(new StringWriter()));
        assertThat(cmd.execute("--check-only", "--runner-id", "eu-1", "--api-url", "http://cp:3000", "--token", "abc",
                "--docker-host", "unix:///x", "--data-dir", "/tmp/r", "--images-dir", "/tmp/i")).isEqualTo(2);
    }

    @Test
    void noTokenAtAllIsRefusedNamingTheEnvironmentVariable() {
        // (BERTH_RUNNER_TOKEN is not set where the tests run; the launcher test covers the variable itself)
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("BERTH_RUNNER_TOKEN") == null);
        var main = new RunnerMain();
        new CommandLine(main).parseArgs("--runner-id", "eu-1", "--api-url", "http://cp:3000",
                "--docker-host", "unix:///x", "--data-dir", "/tmp/r", "--images-dir", "/tmp/i");
        assertThat(main.problems()).singleElement().satisfies(p -> assertThat(p).contains("BERTH_RUNNER_TOKEN"));
    }
}
