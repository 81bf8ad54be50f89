package dev.berth.protocol.runner;

import java.util.Map;

/** The create payload of runner protocol v1: sizes in whole cores and GiB (v2 sends bytes and nano-CPUs). */
public record SandboxSpecV1(String sandboxId, String organizationId, String imageRef, int cpu, int memoryGiB, int diskGiB,
        long pidsLimit, String user, Map<String, String> env) {
}
