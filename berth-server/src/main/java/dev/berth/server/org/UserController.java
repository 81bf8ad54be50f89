package dev.berth.server.org;

import dev.berth.server.auth.Access;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permissions;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class UserController {

    private final UserRepository users;

    public UserController(UserRepository users) {
        this.users = users;
    }

    public record MeDto(String id, String name, String email, boolean systemAdmin, String organizationId,
            Set<String> permissions) {
    }

    @GetMapping("/api/users/me")
    @Access(Access.Level.ANY_USER)
    public MeDto me(Caller caller) {
        User u = caller.userId() == null ? null : users.findById(caller.userId()).orElse(null);
        return new MeDto(caller.userId(), u == null ? null : u.getName(), u == null ? null : u.getEmail(),
                caller.systemAdmin(), caller.organizationId(), Permissions.wire(caller.permissions()));
    }
}
