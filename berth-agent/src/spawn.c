/* Processes: spawn (pipes or a PTY, as a user, in a cwd, with an environment), stdin, output, exit, reaping. */
#include "agent.h"

void proc_close_fds(struct proc *p)
{
    if (p->out_fd >= 0)
        close(p->out_fd);
    if (p->err_fd >= 0)
        close(p->err_fd);
    if (p->in_fd >= 0)
        close(p->in_fd);
    p->out_fd = p->err_fd = p->in_fd = -1;
    free(p->stdin_buf);
    p->stdin_buf = NULL;
    p->stdin_len = p->stdin_off = 0;
}

void proc_unlink_free(struct proc *p)
{
    for (struct proc **pp = &procs; *pp; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    proc_close_fds(p);
    free(p);
}

/* Called when the client goes away: kill the process group (unless the process was spawned detached), keep
   the record until reaped. */
void proc_detach(struct proc *p)
{
    p->conn = NULL;
    if (!p->exited && p->detach && p->pty) {
        /* a detached terminal keeps its master: its output is drained until a connection attaches */
        free(p->stdin_buf);
        p->stdin_buf = NULL;
        p->stdin_len = p->stdin_off = 0;
        p->stdin_close_pending = 0;
    } else if (!p->exited && p->detach) {
        proc_close_fds(p);
    } else if (!p->exited) {
        kill(-p->pid, SIGKILL);
        proc_close_fds(p);
    } else {
        proc_unlink_free(p);
    }
}

void child_fail(int fd, int stage, int err)
{
    struct child_err ce = {stage, err};
    ssize_t w = write(fd, &ce, sizeof(ce));
    (void)w;
    _exit(127);
}

int env_key_eq(const char *a, const char *b)
{
    while (*a && *a != '=' && *a == *b) {
        a++;
        b++;
    }
    return (*a == '=' || *a == 0) && (*b == '=' || *b == 0);
}

int env_find(char **env, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (env_key_eq(env[i], key))
            return i;
    return -1;
}

void env_set(char **env, int *n, const char *entry, int override)
{
    int i = env_find(env, *n, entry);
    if (i >= 0) {
        if (override)
            env[i] = (char *)entry;
    } else {
        env[(*n)++] = (char *)entry;
    }
}

char *mkentry(const char *k, const char *v)
{
    size_t l = strlen(k) + strlen(v) + 2;
    char *s = malloc(l);
    if (s)
        snprintf(s, l, "%s=%s", k, v);
    return s;
}

/* Runs in the child after fork. */
char **child_env(const struct req *r, const struct user_info *u, int have_user)
{
    int base = 0;
    if (!(r->flags & SPAWN_ENV_REPLACE))
        for (char **e = environ; *e; e++)
            base++;
    char **env = calloc((size_t)base + r->envc + 8, sizeof(char *));
    if (!env)
        return NULL;
    int n = 0;
    if (!(r->flags & SPAWN_ENV_REPLACE)) {
        for (char **e = environ; *e; e++)
            if (strchr(*e, '='))
                env_set(env, &n, *e, 1);
        if (have_user) {
            /* user defaults override the base env, but not the request */
            env_set(env, &n, mkentry("HOME", u->home), 1);
            if (u->found) {
                env_set(env, &n, mkentry("USER", u->name), 1);
                env_set(env, &n, mkentry("LOGNAME", u->name), 1);
            }
        }
    }
    for (uint32_t i = 0; i < r->envc; i++)
        env_set(env, &n, r->env[i], 1);
    env_set(env, &n, "PATH=" DEFAULT_PATH, 0);
    if (r->flags & SPAWN_PTY)
        env_set(env, &n, "TERM=xterm-256color", 0);
    if (have_user && (r->flags & SPAWN_ENV_REPLACE))
        env_set(env, &n, mkentry("HOME", u->home), 0);
    env[n] = NULL;
    return env;
}

void child_exec(char **argv, char **env, int errfd)
{
    const char *file = argv[0];
    if (strchr(file, '/')) {
        execve(file, argv, env);
        child_fail(errfd, 4, errno);
    }
    const char *path = DEFAULT_PATH;
    for (char **e = env; *e; e++)
        if (!strncmp(*e, "PATH=", 5)) {
            path = *e + 5;
            break;
        }
    int saw_eacces = 0;
    char buf[PATH_MAX];
    size_t fl = strlen(file);
    const char *p = path;
    for (;;) {
        const char *colon = strchr(p, ':');
        size_t dl = colon ? (size_t)(colon - p) : strlen(p);
        if (dl + fl + 2 <= sizeof(buf)) {
            if (dl == 0) {
                memcpy(buf, file, fl + 1);
            } else {
                memcpy(buf, p, dl);
                buf[dl] = '/';
                memcpy(buf + dl + 1, file, fl + 1);
            }
            execve(buf, argv, env);
            if (errno == EACCES)
                saw_eacces = 1;
            else if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP && errno != ENAMETOOLONG)
                child_fail(errfd, 4, errno);
        }
        if (!colon)
            break;
        p = colon + 1;
    }
    child_fail(errfd, 4, saw_eacces ? EACCES : ENOENT);
}

void child_reset_signals(void)
{
    sigset_t all;
    sigemptyset(&all);
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
    sigprocmask(SIG_SETMASK, &all, NULL);
}

const char *stage_name(int stage)
{
    switch (stage) {
    case 1: return "resolve user";
    case 2: return "set user";
    case 3: return "chdir";
    case 4: return "exec";
    case 5: return "pty";
    default: return "spawn";
    }
}

void do_spawn(struct conn *c, struct req *r)
{
    int outp[2] = {-1, -1}, errp[2] = {-1, -1}, inp[2] = {-1, -1}, ctl[2] = {-1, -1};
    int master = -1;
    char slave[64];
    int e = 0;

    users_refresh();
    if (r->flags & SPAWN_DETACH) {
        int detached = 0;
        for (struct proc *q = procs; q; q = q->next)
            detached += q->detach && !q->exited;
        if (detached >= MAX_DETACHED) {
            send_error(c, EAGAIN, "spawn: %d detached processes already run", detached);
            return;
        }
    }
    if (pipe2(ctl, O_CLOEXEC) != 0) {
        e = errno;
        goto fail;
    }
    if (r->flags & SPAWN_PTY) {
        master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0 || unlockpt(master) != 0 || ptsname_r(master, slave, sizeof(slave)) != 0) {
            e = errno ? errno : EIO;
            goto fail;
        }
        struct winsize ws = {.ws_row = r->rows ? r->rows : 24, .ws_col = r->cols ? r->cols : 80};
        ioctl(master, TIOCSWINSZ, &ws);
    } else {
        if (pipe2(outp, O_CLOEXEC) || pipe2(errp, O_CLOEXEC) || pipe2(inp, O_CLOEXEC)) {
            e = errno;
            goto fail;
        }
    }
    pid_t pid = fork();
    if (pid < 0) {
        e = errno;
        goto fail;
    }
    if (pid == 0) {
        child_reset_signals();
        close(ctl[0]);
        struct user_info u;
        int have_user = r->user[0] != 0;
        if (have_user) {
            int ue = users_resolve_user(r->user, &u);
            if (ue)
                child_fail(ctl[1], 1, ue);
        }
        if (setsid() < 0)
            child_fail(ctl[1], 5, errno);
        if (r->flags & SPAWN_PTY) {
            int s = open(slave, O_RDWR);
            if (s < 0)
                child_fail(ctl[1], 5, errno);
            if (ioctl(s, TIOCSCTTY, 0) < 0)
                child_fail(ctl[1], 5, errno);
            if (have_user && fchown(s, u.uid, (gid_t)-1) != 0) {
                /* not fatal */
            }
            dup2(s, 0);
            dup2(s, 1);
            dup2(s, 2);
            if (s > 2)
                close(s);
        } else {
            dup2(inp[0], 0);
            dup2(outp[1], 1);
            dup2(errp[1], 2);
        }
        if (have_user) {
            gid_t groups[64];
            int ng = users_groups(u.found ? u.name : NULL, u.gid, groups, 64);
            if (setgroups((size_t)ng, groups) != 0 && errno != EPERM)
                child_fail(ctl[1], 2, errno);
            if (setgid(u.gid) != 0)
                child_fail(ctl[1], 2, errno);
            if (setuid(u.uid) != 0)
                child_fail(ctl[1], 2, errno);
        }
        if (r->cwd[0] && chdir(r->cwd) != 0)
            child_fail(ctl[1], 3, errno);
        /* no cwd requested: start in the user's home (the toolbox's work dir), like a login */
        if (!r->cwd[0] && have_user && u.home[0] && chdir(u.home) != 0 && chdir("/") != 0)
            child_fail(ctl[1], 3, errno);
        umask(022);
        char **env = child_env(r, &u, have_user);
        if (!env)
            child_fail(ctl[1], 4, ENOMEM);
        child_exec(r->argv, env, ctl[1]);
        _exit(127);
    }
    close(ctl[1]);
    ctl[1] = -1;
    if (outp[1] >= 0) {
        close(outp[1]);
        close(errp[1]);
        close(inp[0]);
    }
    struct child_err ce;
    ssize_t n;
    do {
        n = read(ctl[0], &ce, sizeof(ce));
    } while (n < 0 && errno == EINTR);
    close(ctl[0]);
    if (n == (ssize_t)sizeof(ce)) {
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        if (master >= 0)
            close(master);
        if (outp[0] >= 0) {
            close(outp[0]);
            close(errp[0]);
            close(inp[1]);
        }
        send_error(c, ce.err, "%s: %s: %s", stage_name(ce.stage),
                   ce.stage == 3 ? r->cwd : ce.stage == 1 ? r->user : r->argv[0], strerror(ce.err));
        return;
    }
    struct proc *p = calloc(1, sizeof(*p));
    if (!p) {
        kill(-pid, SIGKILL);
        send_error(c, ENOMEM, "out of memory");
        return;
    }
    p->pid = pid;
    p->detach = (r->flags & SPAWN_DETACH) != 0;
    if (master >= 0) {
        p->pty = 1;
        p->out_fd = master;
        p->err_fd = -1;
        p->in_fd = -1;
        set_nonblock(master);
    } else {
        p->out_fd = outp[0];
        p->err_fd = errp[0];
        p->in_fd = inp[1];
        set_nonblock(outp[0]);
        set_nonblock(errp[0]);
        set_nonblock(inp[1]);
        if (r->flags & SPAWN_STDIN_CLOSED) {
            close(p->in_fd);
            p->in_fd = -1;
        }
    }
    if (r->timeout_ms)
        p->deadline = now_ms() + r->timeout_ms;
    p->conn = c;
    p->next = procs;
    procs = p;
    c->proc = p;
    c->st = C_SPAWN;
    uint8_t buf[4];
    put_u32(buf, (uint32_t)pid);
    send_frame(c, RSP_SPAWNED, buf, 4);
    return;

fail:
    for (int i = 0; i < 2; i++) {
        if (outp[i] >= 0)
            close(outp[i]);
        if (errp[i] >= 0)
            close(errp[i]);
        if (inp[i] >= 0)
            close(inp[i]);
        if (ctl[i] >= 0)
            close(ctl[i]);
    }
    if (master >= 0)
        close(master);
    send_error(c, e, "spawn: %s", strerror(e));
}

/* Tries to write pending stdin; returns -1 on fatal error. */
void proc_write_stdin(struct proc *p)
{
    int fd = p->pty ? p->out_fd : p->in_fd;
    while (p->stdin_len > 0 && fd >= 0) {
        ssize_t n = write(fd, p->stdin_buf + p->stdin_off, p->stdin_len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return;
            /* EPIPE: the process closed its stdin; drop the data */
            p->stdin_len = 0;
            break;
        }
        p->stdin_off += (size_t)n;
        p->stdin_len -= (size_t)n;
    }
    if (p->stdin_len == 0) {
        free(p->stdin_buf);
        p->stdin_buf = NULL;
        p->stdin_off = 0;
        if (p->stdin_close_pending) {
            p->stdin_close_pending = 0;
            if (p->pty) {
                uint8_t eot = 4; /* VEOF */
                ssize_t w = write(p->out_fd, &eot, 1);
                (void)w;
            } else if (p->in_fd >= 0) {
                close(p->in_fd);
                p->in_fd = -1;
            }
        }
    }
}

/* Reads one chunk from a process output fd into the conn. Returns 1 data, 0 EAGAIN, -1 EOF/err. */
int proc_read_stream(struct proc *p, int *fdp, uint8_t type)
{
    struct conn *c = p->conn;
    size_t cap;
    uint8_t *dst = frame_begin(c, &cap);
    if (!dst)
        return 0;
    if (cap > PIPE_CHUNK)
        cap = PIPE_CHUNK;
    ssize_t n = read(*fdp, dst, cap);
    if (n > 0) {
        frame_end(c, type, (size_t)n);
        return 1;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    /* EOF, or EIO on a pty master whose slave is closed */
    if (!(p->pty && fdp == &p->out_fd)) {
        close(*fdp);
        *fdp = -1;
    } else {
        close(p->out_fd);
        p->out_fd = -1;
    }
    return -1;
}

/* After the process has exited: drain what is buffered and send EXIT. */
void proc_service(struct proc *p)
{
    struct conn *c = p->conn;
    if (!c || !p->exited)
        return;
    /* drain until EAGAIN (background grandchildren may keep the pipe open) */
    int *fds[2] = {&p->out_fd, &p->err_fd};
    uint8_t types[2] = {RSP_STDOUT, RSP_STDERR};
    for (int i = 0; i < 2; i++) {
        while (*fds[i] >= 0) {
            if (out_free(c) < OUT_RESERVE)
                return; /* resume when the client has read */
            int r = proc_read_stream(p, fds[i], types[i]);
            if (r == 0) {
                close(*fds[i]);
                *fds[i] = -1;
            }
        }
    }
    uint8_t buf[9];
    int code = 0, sig = 0;
    if (WIFEXITED(p->status)) {
        code = WEXITSTATUS(p->status);
    } else if (WIFSIGNALED(p->status)) {
        sig = WTERMSIG(p->status);
        code = 128 + sig;
    }
    uint8_t flags = (uint8_t)((p->timed_out ? 1 : 0) | (WIFSIGNALED(p->status) && WCOREDUMP(p->status) ? 2 : 0));
    uint8_t *q = put_u32(buf, (uint32_t)code);
    q = put_u32(q, (uint32_t)sig);
    q = put_u8(q, flags);
    send_frame(c, RSP_EXIT, buf, (size_t)(q - buf));
    c->closing = 1;
    c->proc = NULL;
    proc_unlink_free(p);
}

void reap(void)
{
    for (;;) {
        int st;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        if (pid <= 0)
            return;
        if (ep_started && pid == ep_pid && ep_running) {
            ep_running = 0;
            ep_status = st;
            continue;
        }
        for (struct proc *p = procs; p; p = p->next) {
            if (p->pid == pid && !p->exited) {
                p->exited = 1;
                p->status = st;
                if (!p->conn)
                    proc_unlink_free(p);
                break;
            }
        }
    }
}

void check_timeouts(int64_t now)
{
    for (struct proc *p = procs; p; p = p->next) {
        if (p->deadline && !p->exited && now >= p->deadline) {
            p->timed_out = 1;
            p->deadline = 0;
            kill(-p->pid, SIGKILL);
        }
    }
}

/* The detached terminal with this pid, or NULL. */
static struct proc *find_terminal(uint32_t pid)
{
    for (struct proc *p = procs; p; p = p->next)
        if ((uint32_t)p->pid == pid && p->detach && p->pty && !p->exited && p->out_fd >= 0)
            return p;
    return NULL;
}

/* ATTACH: this connection becomes the terminal's, as if it had spawned it (one connection at a time). */
void op_attach(struct conn *c, struct req *r)
{
    struct proc *p = find_terminal(r->pid);
    if (!p) {
        send_error(c, ESRCH, "attach: no detached terminal with pid %u", r->pid);
        return;
    }
    if (p->conn) {
        send_error(c, EBUSY, "attach: terminal %u is attached to another connection", r->pid);
        return;
    }
    p->conn = c;
    c->proc = p;
    c->st = C_SPAWN;
    uint8_t buf[4];
    put_u32(buf, (uint32_t)p->pid);
    send_frame(c, RSP_SPAWNED, buf, 4);
}

/* PTY_RESIZE: sets a detached terminal's window size (the kernel sends SIGWINCH) from any connection. */
void op_pty_resize(struct conn *c, struct req *r)
{
    struct proc *p = find_terminal(r->pid);
    if (!p) {
        send_error(c, ESRCH, "resize: no detached terminal with pid %u", r->pid);
        return;
    }
    struct winsize ws = {.ws_row = r->rows, .ws_col = r->cols};
    if (ioctl(p->out_fd, TIOCSWINSZ, &ws) != 0) {
        send_error(c, errno, "resize: %s", strerror(errno));
        return;
    }
    send_ok_close(c);
}

/* Reads and discards the output of a detached terminal nobody is attached to (so it never blocks on a full
   terminal); closes the master once the terminal is gone. */
void proc_drain(uint32_t pid)
{
    struct proc *p = find_terminal(pid);
    if (!p || p->conn)
        return;
    static uint8_t scratch[PIPE_CHUNK];
    for (int i = 0; i < 8; i++) {
        ssize_t n = read(p->out_fd, scratch, sizeof(scratch));
        if (n > 0)
            continue;
        if (n < 0 && (errno == EINTR))
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        close(p->out_fd); /* EOF or EIO: the terminal's last process has gone */
        p->out_fd = -1;
        return;
    }
}
