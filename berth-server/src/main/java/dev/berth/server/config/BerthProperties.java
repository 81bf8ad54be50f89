package dev.berth.server.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the control plane and its embedded runner. Environment variables override
 * (BERTH_DATA_DIR, BERTH_DOCKER_HOST, BERTH_ADMIN_API_KEY, BERTH_PUBLIC_URL, ...).
 *
 * @param dataDir     database, image cache and per-sandbox directories
 * @param dockerHost  the engine Berth drives, e.g. unix:///root/.berth/engine/docker.sock
 * @param adminApiKey if set, the bootstrap admin API key is exactly this value
 * @param publicUrl   base URL clients reach Berth on (toolbox URLs are built from it); default http://localhost:PORT
 */
@Validated
@ConfigurationProperties("berth")
public record BerthProperties(
        @NotNull Path dataDir,
        String dockerHost,
        String adminApiKey,
        String publicUrl,
        Path agentBinary,
        @NotNull Path imagesDir,
        @DefaultValue("local") @NotBlank String runnerId,
        @DefaultValue("us") @NotBlank String region,
        @Valid @DefaultValue Sandbox sandbox,
        @Valid @DefaultValue Images images,
        @Valid @DefaultValue Reconciler reconciler) {

    /** Resource defaults and bounds of one sandbox. */
    public record Sandbox(
            @DefaultValue("1") @Min(1) int defaultCpu,
            @DefaultValue("1") @Min(1) int defaultMemory,
            @DefaultValue("3") @Min(1) int defaultDisk,
            @DefaultValue("4") @Min(1) int maxCpu,
            @DefaultValue("8") @Min(1) int maxMemory,
            @DefaultValue("10") @Min(1) int maxDisk,
            @DefaultValue("1024") @Min(16) @Max(1_000_000) long pidsLimit,
            @DefaultValue("5s") Duration stopTimeout,
            @DefaultValue("berth/default") String defaultSnapshot,
            String defaultSnapshotFallback) {
    }

    /** Base images built on first start. */
    public record Images(
            @DefaultValue("true") boolean buildDefault,
            @DefaultValue("20m") Duration buildTimeout,
            Path cacheDir) {
    }

    /** Where built rootfs tarballs are cached: {@code images.cache-dir}, or {@code <data-dir>/images}. */
    public Path imageCacheDir() {
        return images.cacheDir() != null && !images.cacheDir().toString().isBlank() ? images.cacheDir()
                : dataDir.resolve("images");
    }

    /**
     * The loop that drives sandboxes from their state to their desired state.
     *
     * @param orphanGrace how long a container with Berth labels but no live sandbox row is left
     *                    alone before it is removed (a create may be about to record its row)
     * @param actionGrace how long a create or start is left to the request that recorded it before the
     *                    reconciler finishes it (the request's process may have died); shorter than the timeout
     */
    public record Reconciler(
            @DefaultValue("5s") Duration interval,
            @DefaultValue("2m") Duration transitionTimeout,
            @DefaultValue("60s") Duration orphanGrace,
            @DefaultValue("30s") Duration actionGrace) {

        public Reconciler {
            if (actionGrace.compareTo(transitionTimeout) >= 0) {
                throw new IllegalArgumentException("berth.reconciler.action-grace (" + actionGrace + ") must be shorter "
                        + "than berth.reconciler.transition-timeout (" + transitionTimeout + ")");
            }
        }
    }
}
