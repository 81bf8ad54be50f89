package dev.berth.server.sandbox;

import dev.berth.core.sandbox.SandboxState;

/** Published in-process after a sandbox's state change is committed (listeners must be idempotent). */
public record SandboxStateChanged(String sandboxId, String organizationId, SandboxState to) {
}
