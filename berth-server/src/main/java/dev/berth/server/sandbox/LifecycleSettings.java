package dev.berth.server.sandbox;

/**
 * A sandbox's lifecycle intervals as a create resolved them (minutes; see docs/lifecycle.md).
 *
 * @param autoStop    idle minutes before a stop; 0 = never
 * @param autoPause   idle minutes before a pause; 0 = never (a create or setter that sets it turns auto-stop off)
 * @param autoArchive stopped minutes before an archive; 0 = the configured maximum
 * @param autoDelete  stopped minutes before a delete; negative = never, 0 = once stopped
 * @param ttlMinutes  minutes from creation to the deletion deadline; null = none
 */
public record LifecycleSettings(int autoStop, int autoPause, int autoArchive, int autoDelete, Integer ttlMinutes) {
}
