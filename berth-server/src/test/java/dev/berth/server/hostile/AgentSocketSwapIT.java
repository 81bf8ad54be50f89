package dev.berth.server.hostile;

import dev.berth.server.config.BerthProperties;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Autowired;

/** The socket swap against the control plane's embedded runner (the unix transport in-process). */
class AgentSocketSwapIT extends AgentSocketSwapContract {

    @Autowired
    BerthProperties props;

    @Override
    protected Path sandboxesDir() {
        return props.dataDir().toAbsolutePath().resolve("sandboxes");
    }
}
