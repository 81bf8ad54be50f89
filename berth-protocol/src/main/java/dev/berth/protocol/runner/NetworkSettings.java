package dev.berth.protocol.runner;

/** A sandbox's whole network policy as the control plane sends it (lists comma-separated; null: none). */
public record NetworkSettings(boolean networkBlockAll, String networkAllowList, String domainAllowList) {
}
