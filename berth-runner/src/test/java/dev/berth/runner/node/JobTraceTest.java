package dev.berth.runner.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.berth.protocol.ContainerStatus;
import dev.berth.protocol.runner.Job;
import dev.berth.protocol.runner.JobResult;
import dev.berth.protocol.runner.JobType;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class JobTraceTest {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(JobTrace.class);
    /** A fake clock: every reading is 40 ms after the last. */
    private final AtomicLong now = new AtomicLong();
    private final JobTrace trace = new JobTrace(() -> now.getAndAdd(40_000_000L));

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    private List<String> lines(Level level) {
        return appender.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aJobThatWorksIsLoggedWhenTakenAndWhenDoneWithWhatTheEngineShows() {
        var job = new Job("j-1", JobType.STOP_SANDBOX, "sb-1", "{}", null);

        JobResult r = trace.run(job, () -> JobResult.success(ContainerStatus.EXITED));

        assertThat(r.ok()).isTrue();
        assertThat(lines(Level.INFO)).containsExactly("job j-1 STOP_SANDBOX sandbox sb-1: started",
                "job j-1 STOP_SANDBOX sandbox sb-1: done in 40 ms (container exited)");
        assertThat(lines(Level.WARN)).isEmpty();
        assertThat(appender.list.get(0).getMDCPropertyMap()).containsEntry("sandbox.id", "sb-1");
    }

    @Test
    void aJobThatFailsIsReportedWithItsReasonAndLoggedAsAWarning() {
        var job = new Job("j-2", JobType.CREATE_SANDBOX, "sb-2", "{}", null);

        JobResult r = trace.run(job, () -> {
            throw new IOException("image 'x' is not on this engine; pull it first");
        });

        assertThat(r.ok()).isFalse();
        assertThat(r.error()).isEqualTo("image 'x' is not on this engine; pull it first");
        assertThat(lines(Level.INFO)).containsExactly("job j-2 CREATE_SANDBOX sandbox sb-2: started");
        assertThat(lines(Level.WARN)).containsExactly(
                "job j-2 CREATE_SANDBOX sandbox sb-2: failed after 40 ms: image 'x' is not on this engine; pull it first");
    }

    @Test
    void aFailureWithoutAMessageStillSaysWhatFailedAndImageJobsNameTheirImage() {
        var job = new Job("j-3", JobType.PULL_IMAGE, "img:berth/busybox", "{}", null);

        JobResult r = trace.run(job, () -> {
            throw new IllegalStateException();
        });

        assertThat(r.error()).isEqualTo("IllegalStateException");
        assertThat(lines(Level.WARN)).containsExactly(
                "job j-3 PULL_IMAGE img:berth/busybox: failed after 40 ms: IllegalStateException");
        assertThat(appender.list.get(0).getMDCPropertyMap()).doesNotContainKey("sandbox.id");
    }

    @Test
    void aJobTakenAfterAnotherDoesNotCarryItsSandboxId() {
        trace.run(new Job("j-4", JobType.DESTROY_SANDBOX, "sb-4", "{}", null),
                () -> JobResult.success(ContainerStatus.MISSING));
        trace.run(new Job("j-5", JobType.PULL_IMAGE, "img:a", "{}", null), () -> JobResult.success(ContainerStatus.MISSING));

        assertThat(appender.list.get(2).getMDCPropertyMap()).doesNotContainKey("sandbox.id");
        assertThat(lines(Level.INFO)).contains("job j-4 DESTROY_SANDBOX sandbox sb-4: done in 40 ms (container missing)");
    }
}
