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
    ssize_t n = read_child_err(ctl[0], &ce);
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
