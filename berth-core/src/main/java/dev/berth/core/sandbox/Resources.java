package dev.berth.core.sandbox;

/** CPU cores, memory and disk (GiB) of one sandbox, as the API speaks them. */
public record Resources(int cpu, int memoryGiB, int diskGiB) {

    public static final long GIB = 1024L * 1024 * 1024;

    public long nanoCpus() {
        return cpu * 1_000_000_000L;
    }

    public long memoryBytes() {
        return memoryGiB * GIB;
    }

    public long diskBytes() {
        return diskGiB * GIB;
    }
}
