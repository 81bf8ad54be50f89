package dev.berth.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ActionNamesTest {

    @ParameterizedTest
    @CsvSource({
            "POST,   /api/sandbox,                                   sandbox.create",
            "POST,   /api/sandbox/{idOrName}/stop,                   sandbox.stop",
            "POST,   /api/sandbox/{idOrName}/start,                  sandbox.start",
            "DELETE, /api/sandbox/{idOrName},                        sandbox.delete",
            "PUT,    /api/sandbox/{idOrName}/labels,                 sandbox.labels.update",
            "POST,   /api/sandbox/{idOrName}/autostop/{interval},    sandbox.autostop.update",
            "POST,   /api/api-keys,                                  api_keys.create",
            "DELETE, /api/api-keys/{id},                             api_keys.delete",
            "POST,   /api/toolbox/{sandboxId}/process/execute,       toolbox.process.execute",
            "POST,   /api/toolbox/{sandboxId}/files/bulk-upload,     toolbox.files.bulk_upload",
            "DELETE, /api/toolbox/{sandboxId}/files,                 toolbox.files.delete",
            "GET,    /api/toolbox/{sandboxId}/files/info,            toolbox.files.info",
            "GET,    /api/toolbox/{sandboxId}/process/session/{id},  toolbox.process.session.read",
            "PATCH,  /api/organizations/{organizationId},            organizations.update",
    })
    void derivesActionFromRoute(String method, String pattern, String action) {
        assertThat(ActionNames.action(method, pattern)).isEqualTo(action);
    }

    @ParameterizedTest
    @CsvSource({
            "/api/sandbox/{idOrName}/stop,            sandbox",
            "/api/toolbox/{sandboxId}/process/execute, sandbox",
            "/api/api-keys/{id},                      api_key",
            "/api/organizations/{id}/members,         organization",
            "/api/snapshots,                          snapshot",
    })
    void derivesTargetTypeFromFirstSegment(String pattern, String type) {
        assertThat(ActionNames.targetType(pattern)).isEqualTo(type);
    }
}
