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

    /** Creates and starts a container; returns its engine id. */
    String createAndStart(ContainerSpec spec);

    void start(String containerIdOrName);

    void stop(String containerIdOrName, Duration timeout);

    /** SIGKILL to every process of the container at once; a container that does not run is not an error. */
    void kill(String containerIdOrName);

    /** Removes a container and its anonymous volumes; a missing container is not an error. */
    void remove(String containerIdOrName);

    Optional<ContainerInfo> inspect(String containerIdOrName);

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
