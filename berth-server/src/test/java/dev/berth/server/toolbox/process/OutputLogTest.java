package dev.berth.server.toolbox.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutputLogTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keepsStreamsApartAndInOrder() {
        OutputLog log = new OutputLog(1000);
        log.append(OutputLog.Stream.STDOUT, b("a"));
        log.append(OutputLog.Stream.STDERR, b("b"));
        log.append(OutputLog.Stream.STDOUT, b("c"));
        assertThat(log.text()).isEqualTo(new OutputLog.Text("abc", "ac", "b"));
    }

    @Test
    void dropsOldestChunksBeyondTheCap() {
        OutputLog log = new OutputLog(10);
        for (int i = 0; i < 100; i++) {
            log.append(OutputLog.Stream.STDOUT, b("0123"));
        }
        assertThat(log.size()).isLessThanOrEqualTo(10);
        log.append(OutputLog.Stream.STDOUT, b("x".repeat(50)));
        assertThat(log.text().stdout()).isEqualTo("x".repeat(10));
    }

    @Test
    void followersReadByCursorSkipDroppedChunksAndSeeCompletion() {
        OutputLog log = new OutputLog(8);
        AtomicInteger wakeups = new AtomicInteger();
        log.addListener(wakeups::incrementAndGet);
        log.append(OutputLog.Stream.STDOUT, b("1234"));
        OutputLog.Page p = log.readFrom(0, 1024);
        assertThat(p.chunks()).hasSize(1);
        assertThat(p.complete()).isFalse();
        log.append(OutputLog.Stream.STDERR, b("5678"));
        log.append(OutputLog.Stream.STDOUT, b("9abc")); // drops "1234"
        OutputLog.Page q = log.readFrom(p.next(), 1024);
        assertThat(q.chunks()).extracting(c -> new String(c.data(), StandardCharsets.UTF_8)).containsExactly("5678", "9abc");
        log.complete();
        assertThat(log.readFrom(q.next(), 1024).complete()).isTrue();
        assertThat(log.readFrom(0, 1024).chunks()).hasSize(2); // a late follower starts at the oldest kept
        assertThat(wakeups).hasValue(4);
    }

    @Test
    void logFramesCarryTheStreamMarkers() {
        ByteBuffer f = LogFrames.encode(List.of(new OutputLog.Chunk(OutputLog.Stream.STDOUT, b("hi")),
                new OutputLog.Chunk(OutputLog.Stream.STDERR, b("err"))));
        byte[] bytes = new byte[f.remaining()];
        f.get(bytes);
        assertThat(bytes).containsExactly(1, 1, 1, 'h', 'i', 2, 2, 2, 'e', 'r', 'r');
    }

    @Test
    void codeRunUsesTheInterpreterThroughShAndRecognisesAMissingOne() {
        CodeRunCommand py = CodeRunCommand.of("python", "print(1)", List.of("a"));
        assertThat(py.argv()).containsExactly("/bin/sh", "-c", "exec 2>&1; exec \"$@\"", "sh", "python3", "-c",
                "print(1)", "a");
        CodeRunCommand js = CodeRunCommand.of("javascript", "1", null);
        assertThat(js.interpreterMissing(127, "sh: exec: line 1: node: not found\n")).isTrue();
        assertThat(js.interpreterMissing(1, "node: not found")).isFalse();
    }
}
