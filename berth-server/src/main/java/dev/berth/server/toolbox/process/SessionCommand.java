package dev.berth.server.toolbox.process;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One command of a session: its text, its bounded output, and its exit code once it has finished. */
final class SessionCommand {

    private final String id;
    private final long seq;
    private final String command;
    private final OutputLog log;
    private final boolean echoInput;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    SessionCommand(String id, long seq, String command, long outputCap, boolean echoInput) {
        this.id = id;
        this.echoInput = echoInput;
        this.seq = seq;
        this.command = command;
        this.log = new OutputLog(outputCap);
    }

    String id() {
        return id;
    }

    long seq() {
        return seq;
    }

    String command() {
        return command;
    }

    /** Whether stdin sent to the command is also recorded in its output (Daytona's default). */
    boolean echoInput() {
        return echoInput;
    }

    OutputLog log() {
        return log;
    }

    boolean isFinished() {
        return exit.isDone();
    }

    /** The exit code, or null while running. */
    Integer exitCode() {
        return exit.getNow(null);
    }

    void finish(int exitCode) {
        log.complete();
        exit.complete(exitCode);
    }

    /** Waits for the exit code; null if the command is still running after {@code timeout}. */
    Integer await(Duration timeout) throws InterruptedException {
        try {
            return exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
