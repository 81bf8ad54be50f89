package dev.berth.server.toolbox.process;

/** Process state is kept per sandbox and organization, so one tenant can never reach another's. */
record SandboxKey(String organizationId, String sandboxId) {
}
