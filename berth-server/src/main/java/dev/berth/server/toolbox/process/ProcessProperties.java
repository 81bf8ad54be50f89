package dev.berth.server.toolbox.process;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Bounds of the process toolbox (BERTH_TOOLBOX_PROCESS_...). Everything a sandbox can make the control plane
 * hold is capped here.
 *
 * @param defaultTimeout     execute/code-run timeout when the request has none (Daytona documents 10 s, which
 *                           breaks installs; 30 min keeps the request bounded without surprising anyone)
 * @param maxTimeout         upper bound of a requested execute/code-run timeout
 * @param syncSessionWait    how long a synchronous session exec waits before answering 408 (the command keeps
 *                           running; its logs stay readable)
 * @param sessionsPerSandbox max sessions per sandbox (409 beyond)
 * @param commandsPerSession commands kept per session (oldest finished ones are forgotten); also the queue bound
 * @param commandOutput      output kept per session command (oldest bytes dropped)
 * @param sessionOutput      output kept per session over all its commands (oldest finished commands forgotten)
 * @param ptysPerSandbox     max PTYs per sandbox
 * @param clientsPerPty      max WebSocket clients attached to one PTY
 * @param followersPerCommand max log-follow WebSockets per command
 * @param maxInput           max bytes of one stdin input request
 */
@Validated
@ConfigurationProperties("berth.toolbox.process")
public record ProcessProperties(
        @DefaultValue("30m") Duration defaultTimeout,
        @DefaultValue("24h") Duration maxTimeout,
        @DefaultValue("1h") Duration syncSessionWait,
        @DefaultValue("16") @Min(1) @Max(1000) int sessionsPerSandbox,
        @DefaultValue("100") @Min(1) @Max(100_000) int commandsPerSession,
        @DefaultValue("10MB") DataSize commandOutput,
        @DefaultValue("32MB") DataSize sessionOutput,
        @DefaultValue("8") @Min(1) @Max(1000) int ptysPerSandbox,
        @DefaultValue("4") @Min(1) @Max(100) int clientsPerPty,
        @DefaultValue("8") @Min(1) @Max(100) int followersPerCommand,
        @DefaultValue("1MB") DataSize maxInput) {

    /** The effective timeout of an execute/code-run request ({@code seconds} null or ≤ 0 = default). */
    public Duration timeout(Integer seconds) {
        if (seconds == null || seconds <= 0) {
            return defaultTimeout;
        }
        Duration d = Duration.ofSeconds(seconds);
        return d.compareTo(maxTimeout) > 0 ? maxTimeout : d;
    }
}
