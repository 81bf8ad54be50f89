package dev.berth.server.toolbox.files;

import dev.berth.runner.agent.AgentErrorCode;
import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.ReadStream;
import dev.berth.server.toolbox.AgentErrors;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;

/** Looks up the sandbox user's home in the sandbox's /etc/passwd, through the agent (never on the host). */
@Component
public class SandboxUsers {

    /** A passwd file larger than this is not a passwd file we want to parse. */
    private static final int MAX_PASSWD = 1 << 20;

    public SandboxUser of(Target target) {
        String name = target.sandbox().getOsUser() == null ? "root" : target.sandbox().getOsUser();
        return SandboxUser.fromPasswd(name, readPasswd(target));
    }

    /** Absolute form of {@code path}; /etc/passwd is read only when the path is relative. */
    public String resolve(Target target, String path) {
        if (SandboxUser.isAbsolute(path)) {
            return path;
        }
        return of(target).resolve(path);
    }

    private static String readPasswd(Target target) {
        try (ReadStream in = target.agent().openRead("/etc/passwd", 0, MAX_PASSWD)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (AgentException e) {
            if (e.code() == AgentErrorCode.FILE_NOT_FOUND) {
                return null;
            }
            throw AgentErrors.translate(e);
        } catch (IOException e) {
            throw AgentErrors.translate(new AgentException(AgentErrorCode.FILE_READ_FAILED, e.getMessage(), e));
        }
    }
}
