package dev.berth.server.objectstore;

import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/object-storage/push-access}: where and with what the SDK uploads an image's local files. */
@RestController
public class ObjectStorageController {

    private final ObjectStorage storage;

    public ObjectStorageController(ObjectStorage storage) {
        this.storage = storage;
    }

    @GetMapping("/api/object-storage/push-access")
    @RequiresPermission(Permission.WRITE_SNAPSHOTS)
    public ObjectStorage.PushAccess pushAccess(Caller caller) {
        return storage.pushAccess(caller.organizationId());
    }
}
