package dev.berth.server.runner;

import dev.berth.runner.SandboxRunner;
import dev.berth.runner.engine.ContainerEvent;
import dev.berth.server.config.BerthProperties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * What the embedded runner's engine shows, forwarded to the {@link SandboxObserver}: each container event at
 * once, a full listing when the event stream comes back after a gap, and a full listing every reconciler
 * interval as the safety net. Gathers only: every judgement is the reconciler's.
 */
@Component
public class LocalEngineObservations implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LocalEngineObservations.class);

    private final RunnerRegistry runners;
    private final SandboxObserver observer;
    private final long intervalMillis;
    private ScheduledExecutorService timer;
    private AutoCloseable watch;

    public LocalEngineObservations(RunnerRegistry runners, SandboxObserver observer, BerthProperties props) {
        this.runners = runners;
        this.observer = observer;
        this.intervalMillis = props.reconciler().interval().toMillis();
    }

    @EventListener(ApplicationReadyEvent.class)
    public void begin() {
        runners.localRunner().ifPresent(runner -> {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "local-engine-observations");
                t.setDaemon(true);
                return t;
            });
            watch = runner.engine().watch(SandboxRunner.LABEL_SANDBOX, ev -> onEvent(runner, ev));
            timer.scheduleWithFixedDelay(this::list, 0, intervalMillis, TimeUnit.MILLISECONDS);
        });
    }

    private void onEvent(SandboxRunner runner, ContainerEvent ev) {
        if (ev.kind() == ContainerEvent.Kind.STREAM_RESTORED) {
            // events may have been missed while the engine was away
            ScheduledExecutorService t = timer;
            if (t != null && !t.isShutdown()) {
                t.execute(this::list);
            }
            return;
        }
        String id = ev.label(SandboxRunner.LABEL_SANDBOX);
        if (id != null && runner.runnerId().equals(ev.label(SandboxRunner.LABEL_RUNNER))) {
            observer.containerChanged(runner.runnerId(), id);
        }
    }

    private void list() {
        try {
            runners.localInventory().ifPresent(observer::inventory);
        } catch (RuntimeException e) {
            log.warn("listing the embedded engine's sandboxes failed: {}", e.toString());
        }
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception e) {
                log.debug("closing the engine event watch: {}", e.toString());
            }
        }
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null && !timer.isShutdown();
    }
}
