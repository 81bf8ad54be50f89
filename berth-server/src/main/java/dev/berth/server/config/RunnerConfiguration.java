package dev.berth.server.config;

import dev.berth.runner.RunnerSettings;
import dev.berth.runner.SandboxRunner;
import dev.berth.runner.docker.DockerContainerEngine;
import dev.berth.runner.engine.ContainerEngine;
import dev.berth.runner.image.BaseImageBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Embedded mode: the runner lives in the control plane's JVM and drives the configured engine. */
@Configuration
@ConditionalOnProperty(name = "berth.embedded-runner", havingValue = "true", matchIfMissing = true)
public class RunnerConfiguration {

    @Bean(destroyMethod = "close")
    ContainerEngine containerEngine(BerthProperties props) {
        if (props.dockerHost() == null || props.dockerHost().isBlank()) {
            throw new IllegalStateException("berth.docker-host (BERTH_DOCKER_HOST) is required for the embedded runner");
        }
        var engine = new DockerContainerEngine(props.dockerHost());
        if (!engine.ping()) {
            engine.close();
            throw new IllegalStateException("the container engine at " + props.dockerHost() + " does not answer. "
                    + "Start Berth with './berth up' (which starts its own engine), or set BERTH_DOCKER_HOST to a "
                    + "running Docker engine");
        }
        return engine;
    }

    @Bean
    SandboxRunner sandboxRunner(ContainerEngine engine, BerthProperties props,
            dev.berth.server.registry.SnapshotRegistry registry, dev.berth.server.network.NetworkProperties network) {
        var agent = props.agentBinary() == null || props.agentBinary().toString().isBlank() ? null : props.agentBinary();
        var settings = new RunnerSettings(props.runnerId(), props.dataDir(), agent, props.sandbox().pidsLimit(),
                props.sandbox().stopTimeout(), RunnerSettings.DEFAULT_CAPS, "bridge");
        var runner = new SandboxRunner(engine, settings);
        runner.useRegistry(registry.auth());
        if (network.enforce()) {
            dev.berth.runner.network.NetworkGuard.discover(engine, settings.networkMode(), network.denied(),
                    network.dnsUpstream(), network.allowHostPorts())
                    .ifPresent(runner::useNetworkGuard);
        }
        return runner;
    }

    @Bean
    BaseImageBuilder baseImageBuilder(ContainerEngine engine, BerthProperties props) {
        return new BaseImageBuilder(engine, props.imagesDir(), props.imageCacheDir(),
                props.images().buildTimeout());
    }
}
