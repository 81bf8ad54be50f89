package dev.berth.server.lifecycle;

import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.ExecRequest;
import dev.berth.server.config.LifecycleProperties;
import dev.berth.server.runner.RunnerRegistry;
import dev.berth.server.sandbox.Sandbox;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Asks a sandbox whether a command started through the toolbox's sessions still runs: a session command that has
 * started, has no exit file yet, and whose session shell is alive. (Calls that hold a request or a connection open
 * — execute, code run, terminals, followed logs — are held by the {@code ActivityTracker} instead.) Runs as root in
 * the sandbox with a deadline; the sandbox can lie (it then keeps itself running, on its own quota, until its
 * ttl), and a probe that fails or times out counts as "nothing runs".
 */
@Component
class BusyProbe {

    private static final Logger log = LoggerFactory.getLogger(BusyProbe.class);

    private static final String SCRIPT = """
            for s in /tmp/.berth/sessions/*; do
              [ -f "$s/pid" ] || continue
              p=$(cat "$s/pid" 2>/dev/null)
              case $p in ''|*[!0-9]*) continue ;; esac
              [ -d "/proc/$p" ] || continue
              for c in "$s"/c/*; do
                [ -e "$c/started" ] && [ ! -e "$c/exit" ] && { echo busy; exit 0; }
              done
            done
            echo idle
            """;

    private final RunnerRegistry runners;
    private final LifecycleProperties props;

    BusyProbe(RunnerRegistry runners, LifecycleProperties props) {
        this.runners = runners;
        this.props = props;
    }

    boolean busy(Sandbox s) {
        if (s.getRunnerId() == null) {
            return false;
        }
        try {
            var req = new ExecRequest(List.of("/bin/sh", "-c", SCRIPT), "/", Map.of(), false, "0", false, 0, 0,
                    props.probeTimeout());
            var r = runners.byId(s.getRunnerId()).agent(s.getId()).exec(req, props.probeTimeout().plusSeconds(1));
            return r.exitCode() == 0 && r.stdoutText().trim().equals("busy");
        } catch (AgentException | RuntimeException e) {
            log.info("sandbox {}: could not ask for running commands ({}); counted as none", s.getId(), e.getMessage());
            return false;
        }
    }
}
