package dev.berth.server.toolbox.files;

import dev.berth.server.toolbox.ToolboxError;
import dev.berth.server.toolbox.ToolboxException;

/**
 * The sandbox's OS user and its home directory (from the sandbox's own /etc/passwd). Relative toolbox
 * paths are resolved against the home directory, which is also the work directory, as Daytona's daemon does.
 */
public record SandboxUser(String name, String home) {

    /** @param passwd contents of the sandbox's /etc/passwd, or null if it has none */
    public static SandboxUser fromPasswd(String name, String passwd) {
        if (passwd != null) {
            for (String line : passwd.split("\n")) {
                String[] f = line.split(":", -1);
                if (f.length >= 6 && f[0].equals(name) && f[5].startsWith("/")) {
                    return new SandboxUser(name, f[5]);
                }
            }
        }
        return new SandboxUser(name, "root".equals(name) ? "/root" : "/home/" + name);
    }

    public boolean isRoot() {
        return "root".equals(name) || "0".equals(name);
    }

    /** Owner to give new files, or null to keep the agent's (root). */
    public String ownerForNewFiles() {
        return isRoot() ? null : name;
    }

    /** An absolute path inside the sandbox: absolute paths as given, relative ones under the home directory. */
    public String resolve(String path) {
        String p = requirePath(path);
        if (p.startsWith("/")) {
            return p;
        }
        if (p.equals("~")) {
            return home;
        }
        if (p.startsWith("~/")) {
            p = p.substring(2);
        }
        return home.endsWith("/") ? home + p : home + "/" + p;
    }

    static String requirePath(String path) {
        if (path == null || path.isEmpty()) {
            throw ToolboxException.badRequest("path is required");
        }
        if (path.indexOf('\0') >= 0) {
            throw new ToolboxException(ToolboxError.INVALID_FILE_PATH, "path must not contain NUL");
        }
        return path;
    }

    static boolean isAbsolute(String path) {
        return requirePath(path).startsWith("/");
    }
}
