package dev.berth.runner.agent;

/** Which output stream of the entrypoint a log chunk came from. */
public enum LogStream {
    STDOUT, STDERR
}
