package dev.berth.server.health;

import dev.berth.protocol.RunnerCapabilities;
import dev.berth.runner.SandboxRunner;
import dev.berth.server.auth.Access;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.sandbox.SandboxMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/config}: the Daytona configuration fields plus what this installation can
 * enforce ({@code capabilities.diskQuotaEnforced} is false on overlay2/ext4: disk sizes are
 * recorded but not enforced).
 */
@RestController
public class ConfigController {

    private final BerthProperties props;
    private final Optional<SandboxRunner> runner;
    private final SandboxMapper mapper;
    private final dev.berth.server.runner.RunnerRegistry runners;
    private final dev.berth.server.config.LifecycleProperties lifecycle;

    public ConfigController(BerthProperties props, Optional<SandboxRunner> runner, SandboxMapper mapper,
            dev.berth.server.runner.RunnerRegistry runners, dev.berth.server.config.LifecycleProperties lifecycle) {
        this.runners = runners;
        this.lifecycle = lifecycle;
        this.props = props;
        this.runner = runner;
        this.mapper = mapper;
    }

    @GetMapping("/api/config")
    @Access(Access.Level.PUBLIC)
    public Map<String, Object> config() {
        var caps = runner.map(SandboxRunner::capabilities).orElse(
                new RunnerCapabilities("remote runners", "overlay2", false, true, true));
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("version", "0.1.0");
        c.put("oidc", Map.of());
        c.put("linkedAccountsEnabled", false);
        c.put("announcements", Map.of());
        c.put("proxyTemplateUrl", "");
        c.put("proxyToolboxUrl", mapper.toolboxProxyUrl());
        c.put("defaultSnapshot", props.sandbox().defaultSnapshot());
        c.put("dashboardUrl", "");
        c.put("maxAutoArchiveInterval", lifecycle.maxArchive().toMinutes());
        c.put("maintananceMode", false);
        c.put("environment", "self-hosted");
        // where a create without a target goes now (berth.region, or where the ready runners are)
        c.put("regions", List.of(runners.defaultRegion(props.region())));
        Map<String, Object> capabilities = new LinkedHashMap<>();
        capabilities.put("engineVersion", caps.engineVersion());
        capabilities.put("storageDriver", caps.storageDriver());
        capabilities.put("diskQuotaEnforced", caps.diskQuotaEnforced());
        capabilities.put("userNamespaceRemap", caps.userNamespaceRemap());
        capabilities.put("agent", caps.agentAvailable());
        c.put("capabilities", capabilities);
        return c;
    }
}
