package dev.berth.runner.agent;

/**
 * How a process ended. {@code exitCode} follows the shell/Docker convention: the exit status, or 128+signal
 * if it was killed by a signal ({@code signal} is then non-zero). {@code timedOut} is set when the agent
 * killed the process group because the spawn timeout expired.
 */
public record ExitStatus(int exitCode, int signal, boolean timedOut, boolean coreDumped) {
    static ExitStatus decode(byte[] payload) throws AgentException {
        Wire.In in = new Wire.In(payload);
        long code = in.u32();
        long sig = in.u32();
        int flags = in.u8();
        in.end();
        if (code > 255 + 128 || sig > 64) {
            throw AgentException.protocol("bad exit status " + code + "/" + sig);
        }
        return new ExitStatus((int) code, (int) sig, (flags & 1) != 0, (flags & 2) != 0);
    }
}
