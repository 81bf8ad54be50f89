package dev.berth.runner.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one way Berth talks to a container engine. Takes and returns Berth's own value types;
 * adapters translate engine failures into {@link dev.berth.core.error.EngineException}.
 */
public interface ContainerEngine extends AutoCloseable {

    EngineInfo info();

    boolean ping();

    boolean imageExists(String imageRef);

    /** Every tagged image the engine holds, as {@code repository:tag} (placement prefers runners holding a snapshot's image). */
    Set<String> imageRefs();

    /** Imports a rootfs tarball as an image (the engine-API equivalent of {@code docker import}). */
    void importImage(Path rootfsTar, String imageRef);

    /**
     * Pulls {@code imageRef} (a full reference, registry host included) with the given credentials (null: none).
     * Each progress line goes to {@code progress}.
     */
    void pull(String imageRef, RegistryAuth auth, java.util.function.Consumer<String> progress);

    /** Pushes {@code imageRef} (whose name starts with the registry host) with the given credentials. */
    void push(String imageRef, RegistryAuth auth, java.util.function.Consumer<String> progress);

    /** Gives the image {@code sourceRef} the additional name {@code targetRef}. */
    void tag(String sourceRef, String targetRef);

    /** Removes one name of an image (the image goes when its last name does); a missing name is not an error. */
    void untag(String imageRef);

    /** Size, platform and configured entrypoint of an image, or empty when the engine does not hold it. */
    Optional<ImageInfo> inspectImage(String imageRef);

    /**
     * Builds an image from a build context (a tar stream with the Dockerfile at {@code dockerfilePath}) and names it
     * {@code imageRef}; every log line goes to {@code log}. Build steps run with {@code networkMode} and at most
     * {@code memoryBytes} of memory. Throws with the builder's error message when a step fails.
     */
    void build(java.io.InputStream context, String dockerfilePath, String imageRef, String networkMode, long memoryBytes,
            java.util.function.Consumer<String> log);

    /** Commits a container's file system changes as one layer over its image, named {@code imageRef}. */
    void commit(String containerIdOrName, String imageRef);

    /** Creates and starts a container; returns its engine id. */
    String createAndStart(ContainerSpec spec);

    void start(String containerIdOrName);

    void stop(String containerIdOrName, Duration timeout);

    /** SIGKILL to every process of the container at once; a container that does not run is not an error. */
    void kill(String containerIdOrName);

    /** Freezes every process of a running container (cgroup freezer): memory kept, no CPU. Paused already: nothing. */
    void pause(String containerIdOrName);

    /** Thaws a paused container. Not paused: nothing. */
    void unpause(String containerIdOrName);

    /**
     * Changes a container's CPU quota and memory limit (swap equal to memory, as at create), live when it runs; a
     * stopped container starts with them.
     */
    void updateLimits(String containerIdOrName, long nanoCpus, long memoryBytes);

    /** Whether the container exists and is paused. */
    boolean isPaused(String containerIdOrName);

    /** Removes a container and its anonymous volumes; a missing container is not an error. */
    void remove(String containerIdOrName);

    Optional<ContainerInfo> inspect(String containerIdOrName);

    /** The container's IPv4 address on {@code network}; empty when it has none there (not running, no such net). */
    Optional<String> ipAddress(String containerIdOrName, String network);

    /** The host interface and IPv4 subnet of an engine network of the bridge driver; empty when there is none. */
    Optional<BridgeNetwork> bridge(String network);

    /** @param iface the host's bridge interface, @param subnet its IPv4 CIDR, @param gateway the host's address on it */
    record BridgeNetwork(String iface, String subnet, String gateway) {
    }

    /** All containers (running or not) that carry the given label key. */
    List<ContainerInfo> listByLabel(String labelKey);

    /**
     * Streams die, OOM and destroy events of containers carrying {@code labelKey} to {@code listener}
     * (on the watcher's own thread), reconnecting with back-off when the stream drops; after a
     * reconnect a {@link ContainerEvent.Kind#STREAM_RESTORED} event says events may have been missed.
     * Closing the returned handle stops watching.
     */
    AutoCloseable watch(String labelKey, java.util.function.Consumer<ContainerEvent> listener);

    @Override
    void close();
}
