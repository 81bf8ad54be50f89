package dev.berth.core.quota;

/**
 * What an organization currently holds. Running (and starting) sandboxes hold cpu, memory and
 * disk; stopped ones hold disk only; every live sandbox counts towards the sandbox count.
 */
public record Usage(int cpu, int memory, int disk, int sandboxes) {

    public static final Usage NONE = new Usage(0, 0, 0, 0);
}
