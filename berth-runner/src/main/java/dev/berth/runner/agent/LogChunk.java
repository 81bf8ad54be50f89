package dev.berth.runner.agent;

/** A chunk of entrypoint output from the agent's ring buffer. */
public record LogChunk(LogStream stream, byte[] data) {}
