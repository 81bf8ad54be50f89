package dev.berth.runner.agent;

import java.nio.charset.StandardCharsets;

/**
 * Result of {@link AgentClient#exec}. Output beyond the client's cap is dropped and flagged as truncated.
 */
public record ExecResult(int pid, ExitStatus status, byte[] stdout, byte[] stderr, boolean stdoutTruncated,
                         boolean stderrTruncated) {

    public int exitCode() {
        return status.exitCode();
    }

    public boolean timedOut() {
        return status.timedOut();
    }

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }
}
