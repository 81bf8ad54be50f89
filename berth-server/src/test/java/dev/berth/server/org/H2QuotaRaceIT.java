package dev.berth.server.org;

/** The quota race on the embedded H2 database. */
class H2QuotaRaceIT extends QuotaRaceContract {
}
