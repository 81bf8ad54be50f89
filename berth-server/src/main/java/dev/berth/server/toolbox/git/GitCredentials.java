package dev.berth.server.toolbox.git;

/**
 * Credentials for one git call. They reach git through the environment of the git process and a
 * GIT_ASKPASS script that echoes them ({@link GitRunner}): never on a command line, never in .git/config.
 */
record GitCredentials(String username, String password) {

    static GitCredentials of(String username, String password) {
        boolean none = (username == null || username.isEmpty()) && (password == null || password.isEmpty());
        return none ? null : new GitCredentials(username == null ? "" : username, password == null ? "" : password);
    }

    @Override
    public String toString() {
        return "GitCredentials[username=" + username + ", password=***]";
    }
}
