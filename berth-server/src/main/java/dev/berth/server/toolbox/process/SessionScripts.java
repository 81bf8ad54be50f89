package dev.berth.server.toolbox.process;

/**
 * The shell side of a toolbox session, which keeps all its state in the sandbox (see {@link AgentSessions}).
 *
 * <p>Layout of one session, {@code /tmp/.berth/sessions/<id>/}: {@code pid} (the driver shell), {@code in} (a FIFO
 * the driver reads command ids from, one per line, in arrival order) and {@code c/<commandId>/} per command:
 * {@code cmd} (its text), {@code stdin} (a FIFO), {@code echo} (present: input is echoed into stdout),
 * {@code started}, {@code out}, {@code err} and {@code exit} (the exit code and a newline, written once it has
 * finished). Everything is created by the sandbox's user (the agent, root, only reads and deletes). The agent
 * removes the whole tree when the sandbox starts: no driver outlives a restart.
 */
final class SessionScripts {

    static final String ROOT = "/tmp/.berth/sessions";

    /**
     * The driver: one long-lived {@code /bin/sh} per session, spawned detached as the sandbox user, so cwd,
     * variables and functions carry over from one command to the next. {@code $1} is the session directory;
     * it prints {@code ready} once the directory and its FIFO exist. Each command is {@code command eval}'d in
     * the shell itself (a syntax error does not end the session) with stdin from its FIFO (opened read-write: a
     * writer never blocks and nothing left unread reaches the next command) and stdout/stderr appended to its
     * files (background jobs may keep writing; completion is the exit file, never end of output). A command that
     * ends the shell ({@code exit 3}) still gets its exit code through the EXIT trap.
     */
    static final String DRIVER = """
            s=$1
            mkdir -p "${s%/*}" && mkdir -m 700 "$s" || exit 1
            mkdir "$s/c" && mkfifo -m 600 "$s/in" || exit 1
            echo $$ > "$s/pid"
            echo ready
            exec 3<>"$s/in" </dev/null >/dev/null 2>&1
            readonly __berth_s="$s"
            unset s
            __berth_id=
            trap '__berth_rc=$?; [ -n "$__berth_id" ] && [ ! -e "$__berth_s/c/$__berth_id/exit" ] \
            && command echo "$__berth_rc" > "$__berth_s/c/$__berth_id/exit"' EXIT
            while IFS= read -r __berth_next <&3; do
              case $__berth_next in ''|*[!A-Za-z0-9-]*) continue ;; esac
              __berth_id=$__berth_next
              __berth_d=$__berth_s/c/$__berth_id
              { [ -f "$__berth_d/cmd" ] && [ ! -e "$__berth_d/started" ]; } || { __berth_id=; continue; }
              : > "$__berth_d/started"
              __berth_cmd=$(command cat "$__berth_d/cmd")
              command eval "$__berth_cmd" 0<>"$__berth_d/stdin" >>"$__berth_d/out" 2>>"$__berth_d/err" 3<&-
              __berth_rc=$?
              command echo "$__berth_rc" > "$__berth_s/c/$__berth_next/exit"
              __berth_id=
            done
            """;

    /**
     * Queues a command: {@code $1} session directory, {@code $2} command id, {@code $3} "1" to echo input;
     * the command text on stdin. Exit 3: the session has no FIFO; 4: the command could not be written.
     */
    static final String SUBMIT = """
            d=$1/c/$2
            [ -p "$1/in" ] || exit 3
            mkdir "$d" && cat > "$d/cmd" && mkfifo -m 600 "$d/stdin" || exit 4
            [ "$3" = 1 ] && : > "$d/echo"
            printf '%s\\n' "$2" > "$1/in"
            """;

    /** Sends stdin to a running command: {@code $1} command directory, data on stdin. Exit 10: it has finished. */
    static final String INPUT = """
            [ -e "$1/exit" ] && exit 10
            if [ -e "$1/echo" ]; then tee "$1/stdin" >> "$1/out"; else cat > "$1/stdin"; fi
            """;

    /** Kills a driver's process group (the driver is a session leader): {@code $1} its pid. */
    static final String KILL = "kill -9 \"-$1\" 2>/dev/null; exit 0";

    /** Removes session or command directories (the arguments). */
    static final String REMOVE = "rm -rf -- \"$@\"";

    private SessionScripts() {
    }

    static String dir(String sessionId) {
        return ROOT + "/" + sessionId;
    }

    static String commandDir(String sessionId, String commandId) {
        return dir(sessionId) + "/c/" + commandId;
    }
}
