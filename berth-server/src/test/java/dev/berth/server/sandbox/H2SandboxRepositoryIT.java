package dev.berth.server.sandbox;

/** The repository contract on the embedded H2 database. */
class H2SandboxRepositoryIT extends SandboxRepositoryContract {
}
