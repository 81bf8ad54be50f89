package dev.berth.protocol.runner;

/**
 * The control plane's answer to a heartbeat.
 *
 * @param reregister the control plane does not know this runner's session (it was reset, or the runner was
 *                   recreated): register again before anything else
 */
public record HeartbeatReply(boolean reregister) {

    public static final HeartbeatReply OK = new HeartbeatReply(false);
    public static final HeartbeatReply REREGISTER = new HeartbeatReply(true);
}
