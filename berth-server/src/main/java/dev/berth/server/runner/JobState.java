package dev.berth.server.runner;

/** Lifecycle of a runner job. */
public enum JobState { PENDING, CLAIMED, COMPLETED, FAILED }
