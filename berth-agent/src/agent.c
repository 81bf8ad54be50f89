/*
 * berth-agent: PID-1 init + control daemon for Berth sandboxes.
 *
 * Single-threaded poll() loop. One UNIX-socket connection per operation.
 * See docs/agent-protocol.md for the wire protocol.
 */
#define _GNU_SOURCE
#include "fsops.h"
#include "proto.h"
#include "users.h"

#include <dirent.h>
#include <ftw.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define AGENT_VERSION "berth-agent/0.1.0"
#define MAX_CONNS 256
#define OUT_CAP (192u * 1024u)          /* producers stop when less than OUT_RESERVE free */
#define OUT_RESERVE (CHUNK_MAX + 8192u) /* room for the largest frame we produce */
#define OUT_ALLOC (OUT_CAP + 8192u)     /* slack for small control frames */
#define PIPE_CHUNK (32u * 1024u)
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

extern char **environ;

/* ------------------------------------------------------------------ state */

enum cstate { C_AUTH, C_HELLO, C_REQ, C_SPAWN, C_READ, C_LIST, C_WRITE, C_LOGS };

struct proc;

struct conn {
    int fd;
    enum cstate st;
    uint8_t *in;
    size_t in_len, in_cap;
    uint8_t *out;
    size_t out_off, out_len;
    int closing; /* close once out is flushed */
    struct proc *proc;
    int file_fd;          /* READ: source; WRITE: temp file */
    uint64_t remaining;   /* READ */
    DIR *dir;             /* LIST */
    char *tmp_path;       /* WRITE */
    char *final_path;     /* WRITE */
    uint64_t log_pos;     /* LOGS */
    uint64_t log_end;     /* LOGS without follow: stop here */
    int log_follow;
};

struct proc {
    struct proc *next;
    pid_t pid;
    int out_fd, err_fd, in_fd; /* pty: out_fd is the master, in_fd == -1, err_fd == -1 */
    int pty;
    uint8_t *stdin_buf;
    size_t stdin_off, stdin_len;
    int stdin_close_pending;
    int exited, status, timed_out;
    int detach; /* SPAWN_DETACH: survives its connection */
    int64_t deadline; /* ms, CLOCK_MONOTONIC; 0 = none */
    struct conn *conn;
};

static struct conn *conns[MAX_CONNS];
static int nconns;
static struct proc *procs;
static int listen_fd = -1, sig_fd = -1;
static const char *socket_path;
/* This sandbox's token (see load_token); empty = none, and then every connection is refused. */
static char auth_token[AUTH_TOKEN_MAX + 1];
static size_t auth_token_len;
static char token_path[4096];
static char token_problem[256];
static int opt_exit_with_entrypoint;
static int got_term;
static int had_conns; /* trim the heap when the last connection is gone */

/* entrypoint */
static pid_t ep_pid;
static int ep_running, ep_out = -1, ep_err = -1, ep_status;
static int ep_started;

/* entrypoint log ring: records [u8 stream][u32 len][data], absolute offsets */
static uint8_t *ring;
static size_t ring_cap = 1u << 20;
static uint64_t ring_head, ring_tail;

static void logmsg(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof(buf) - 2)
        n = sizeof(buf) - 2;
    buf[n++] = '\n';
    ssize_t w = write(2, "berth-agent: ", 13);
    w = write(2, buf, (size_t)n);
    (void)w;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* ------------------------------------------------------------------ ring */

static void ring_copy_in(uint64_t pos, const uint8_t *src, size_t n)
{
    size_t off = (size_t)(pos % ring_cap);
    size_t first = ring_cap - off < n ? ring_cap - off : n;
    memcpy(ring + off, src, first);
    if (n > first)
        memcpy(ring, src + first, n - first);
}

static void ring_copy_out(uint64_t pos, uint8_t *dst, size_t n)
{
    size_t off = (size_t)(pos % ring_cap);
    size_t first = ring_cap - off < n ? ring_cap - off : n;
    memcpy(dst, ring + off, first);
    if (n > first)
        memcpy(dst + first, ring, n - first);
}

static void ring_append(uint8_t stream, const uint8_t *d, size_t n)
{
    if (!ring) {
        void *m = mmap(NULL, ring_cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return;
        ring = m;
    }
    if (n > ring_cap / 2)
        n = ring_cap / 2;
    size_t rec = 5 + n;
    while (ring_tail + rec - ring_head > ring_cap) {
        uint8_t h[5];
        ring_copy_out(ring_head, h, 5);
        ring_head += 5 + get_u32(h + 1);
    }
    uint8_t h[5];
    h[0] = stream;
    put_u32(h + 1, (uint32_t)n);
    ring_copy_in(ring_tail, h, 5);
    ring_copy_in(ring_tail + 5, d, n);
    ring_tail += rec;
}

/* ------------------------------------------------------------------ output */

static size_t out_free(struct conn *c)
{
    size_t used = c->out_off + c->out_len;
    return used >= OUT_CAP ? 0 : OUT_CAP - used;
}

static int out_ensure(struct conn *c)
{
    if (!c->out) {
        c->out = malloc(OUT_ALLOC);
        if (!c->out)
            return -1;
        c->out_off = c->out_len = 0;
    }
    if (c->out_off && c->out_len == 0)
        c->out_off = 0;
    return 0;
}

/* Returns pointer where the payload of a frame may be written (max bytes available in *cap). */
static uint8_t *frame_begin(struct conn *c, size_t *cap)
{
    if (out_ensure(c))
        return NULL;
    if (c->out_off && OUT_ALLOC - (c->out_off + c->out_len) < OUT_RESERVE) {
        memmove(c->out, c->out + c->out_off, c->out_len);
        c->out_off = 0;
    }
    size_t used = c->out_off + c->out_len;
    if (OUT_ALLOC - used < FRAME_HDR)
        return NULL;
    *cap = OUT_ALLOC - used - FRAME_HDR;
    return c->out + used + FRAME_HDR;
}

static void frame_end(struct conn *c, uint8_t type, size_t payload_len)
{
    uint8_t *h = c->out + c->out_off + c->out_len;
    put_u32(h, (uint32_t)(payload_len + 1));
    h[4] = type;
    c->out_len += FRAME_HDR + payload_len;
}

static void send_frame(struct conn *c, uint8_t type, const void *data, size_t len)
{
    size_t cap;
    uint8_t *p = frame_begin(c, &cap);
    if (!p || cap < len) {
        c->closing = 1; /* cannot happen with correct producers; drop the connection */
        return;
    }
    if (len)
        memcpy(p, data, len);
    frame_end(c, type, len);
}

static void send_error(struct conn *c, int err, const char *fmt, ...)
{
    uint8_t buf[1024];
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(msg))
        n = sizeof(msg) - 1;
    uint8_t *p = put_u32(buf, (uint32_t)err);
    p = put_str(p, msg, (uint32_t)n);
    send_frame(c, RSP_ERROR, buf, (size_t)(p - buf));
    c->closing = 1;
}

static void send_ok_close(struct conn *c)
{
    send_frame(c, RSP_OK, NULL, 0);
    c->closing = 1;
}

/* ------------------------------------------------------------------ procs */

static void proc_close_fds(struct proc *p)
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

static void proc_unlink_free(struct proc *p)
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
static void proc_detach(struct proc *p)
{
    p->conn = NULL;
    if (!p->exited && p->detach) {
        proc_close_fds(p);
    } else if (!p->exited) {
        kill(-p->pid, SIGKILL);
        proc_close_fds(p);
    } else {
        proc_unlink_free(p);
    }
}

/* ------------------------------------------------------------------ conns */

static void conn_free(struct conn *c)
{
    for (int i = 0; i < nconns; i++) {
        if (conns[i] == c) {
            conns[i] = conns[--nconns];
            conns[nconns] = NULL;
            break;
        }
    }
    if (c->proc)
        proc_detach(c->proc);
    if (c->file_fd >= 0)
        close(c->file_fd);
    if (c->dir)
        closedir(c->dir);
    if (c->tmp_path) {
        unlink(c->tmp_path);
        free(c->tmp_path);
    }
    free(c->final_path);
    free(c->in);
    free(c->out);
    close(c->fd);
    free(c);
}

/* Writes buffered output. Returns -1 if the connection must be dropped. */
static int conn_flush(struct conn *c)
{
    while (c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            return -1;
        }
        c->out_off += (size_t)n;
        c->out_len -= (size_t)n;
    }
    c->out_off = 0;
    if (c->out && c->st != C_SPAWN && c->st != C_READ && c->st != C_LIST && c->st != C_LOGS) {
        free(c->out); /* idle connection: give the buffer back */
        c->out = NULL;
    }
    return 0;
}

/* ------------------------------------------------------------------ spawn */

struct child_err {
    int stage;
    int err;
};

static void child_fail(int fd, int stage, int err)
{
    struct child_err ce = {stage, err};
    ssize_t w = write(fd, &ce, sizeof(ce));
    (void)w;
    _exit(127);
}

static int env_key_eq(const char *a, const char *b)
{
    while (*a && *a != '=' && *a == *b) {
        a++;
        b++;
    }
    return (*a == '=' || *a == 0) && (*b == '=' || *b == 0);
}

static int env_find(char **env, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (env_key_eq(env[i], key))
            return i;
    return -1;
}

static void env_set(char **env, int *n, const char *entry, int override)
{
    int i = env_find(env, *n, entry);
    if (i >= 0) {
        if (override)
            env[i] = (char *)entry;
    } else {
        env[(*n)++] = (char *)entry;
    }
}

static char *mkentry(const char *k, const char *v)
{
    size_t l = strlen(k) + strlen(v) + 2;
    char *s = malloc(l);
    if (s)
        snprintf(s, l, "%s=%s", k, v);
    return s;
}

/* Runs in the child after fork. */
static char **child_env(const struct req *r, const struct user_info *u, int have_user)
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

static void child_exec(char **argv, char **env, int errfd)
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

static void child_reset_signals(void)
{
    sigset_t all;
    sigemptyset(&all);
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
    sigprocmask(SIG_SETMASK, &all, NULL);
}

static const char *stage_name(int stage)
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

static void do_spawn(struct conn *c, struct req *r)
{
    int outp[2] = {-1, -1}, errp[2] = {-1, -1}, inp[2] = {-1, -1}, ctl[2] = {-1, -1};
    int master = -1;
    char slave[64];
    int e = 0;

    users_refresh();
    if ((r->flags & SPAWN_DETACH) && (r->flags & SPAWN_PTY)) {
        send_error(c, EINVAL, "spawn: a detached process cannot have a terminal");
        return;
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
static void proc_write_stdin(struct proc *p)
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
static int proc_read_stream(struct proc *p, int *fdp, uint8_t type)
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
static void proc_service(struct proc *p)
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

/* ------------------------------------------------------------------ file ops */

static void send_stat(struct conn *c, const struct stat *st, const char *target)
{
    size_t cap;
    uint8_t *p = frame_begin(c, &cap);
    if (!p || cap < STAT_REC_MAX) {
        c->closing = 1;
        return;
    }
    uint8_t *e = fs_encode_stat(p, st, target);
    frame_end(c, RSP_STAT, (size_t)(e - p));
}

static int read_link(int dfd, const char *name, char *buf, size_t cap)
{
    ssize_t n = readlinkat(dfd, name, buf, cap - 1);
    if (n < 0) {
        buf[0] = 0;
        return -1;
    }
    buf[n] = 0;
    return 0;
}

static void op_stat(struct conn *c, struct req *r)
{
    struct stat st;
    int rc = (r->flags & STAT_NOFOLLOW) ? lstat(r->path, &st) : stat(r->path, &st);
    if (rc != 0) {
        send_error(c, errno, "stat %s: %s", r->path, strerror(errno));
        return;
    }
    users_refresh();
    char target[4097];
    target[0] = 0;
    struct stat lst;
    if (lstat(r->path, &lst) == 0 && S_ISLNK(lst.st_mode))
        read_link(AT_FDCWD, r->path, target, sizeof(target));
    send_stat(c, &st, target);
    c->closing = 1;
}

static void pump_list(struct conn *c)
{
    while (c->dir && out_free(c) >= OUT_RESERVE) {
        size_t cap;
        uint8_t *start = frame_begin(c, &cap);
        if (!start)
            return;
        uint8_t *p = start + 4;
        uint32_t count = 0;
        int done = 0;
        while ((size_t)(p - start) + 4 + 256 + STAT_REC_MAX < CHUNK_MAX) {
            errno = 0;
            struct dirent *de = readdir(c->dir);
            if (!de) {
                done = 1;
                break;
            }
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            struct stat st;
            if (fstatat(dirfd(c->dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue; /* vanished */
            char target[4097];
            target[0] = 0;
            if (S_ISLNK(st.st_mode))
                read_link(dirfd(c->dir), de->d_name, target, sizeof(target));
            size_t nl = strnlen(de->d_name, 255);
            p = put_str(p, de->d_name, (uint32_t)nl);
            p = fs_encode_stat(p, &st, target);
            count++;
        }
        put_u32(start, count);
        if (count)
            frame_end(c, RSP_ENTRIES, (size_t)(p - start));
        if (done) {
            closedir(c->dir);
            c->dir = NULL;
            send_frame(c, RSP_END, NULL, 0);
            c->closing = 1;
        }
    }
}

static void op_list(struct conn *c, struct req *r)
{
    int fd = open(r->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        send_error(c, errno, "list %s: %s", r->path, strerror(errno));
        return;
    }
    c->dir = fdopendir(fd);
    if (!c->dir) {
        int e = errno;
        close(fd);
        send_error(c, e, "list %s: %s", r->path, strerror(e));
        return;
    }
    users_refresh();
    c->st = C_LIST;
    pump_list(c);
}

static void pump_read(struct conn *c)
{
    while (c->file_fd >= 0 && out_free(c) >= OUT_RESERVE) {
        size_t cap;
        uint8_t *p = frame_begin(c, &cap);
        if (!p)
            return;
        size_t want = CHUNK_MAX;
        if (c->remaining < want)
            want = (size_t)c->remaining;
        ssize_t n = want ? read(c->file_fd, p, want) : 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(c->file_fd);
            c->file_fd = -1;
            send_error(c, e, "read: %s", strerror(e));
            return;
        }
        if (n == 0) {
            close(c->file_fd);
            c->file_fd = -1;
            send_frame(c, RSP_END, NULL, 0);
            c->closing = 1;
            return;
        }
        c->remaining -= (uint64_t)n;
        frame_end(c, RSP_DATA, (size_t)n);
    }
}

static void op_read(struct conn *c, struct req *r)
{
    int fd = open(r->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        send_error(c, errno, "open %s: %s", r->path, strerror(errno));
        return;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        send_error(c, e, "stat %s: %s", r->path, strerror(e));
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        int e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        close(fd);
        send_error(c, e, "read %s: not a regular file", r->path);
        return;
    }
    if (r->offset && lseek(fd, (off_t)r->offset, SEEK_SET) < 0) {
        int e = errno;
        close(fd);
        send_error(c, e, "seek %s: %s", r->path, strerror(e));
        return;
    }
    users_refresh();
    send_stat(c, &st, NULL);
    c->file_fd = fd;
    c->remaining = r->length;
    c->st = C_READ;
    pump_read(c);
}

static int resolve_owner(const char *user, const char *group, uid_t *uid, gid_t *gid)
{
    *uid = (uid_t)-1;
    *gid = (gid_t)-1;
    users_refresh();
    if (user && user[0]) {
        struct user_info u;
        int e = users_resolve_user(user, &u);
        if (e)
            return e;
        *uid = u.uid;
        if (strchr(user, ':'))
            *gid = u.gid;
    }
    if (group && group[0]) {
        int e = users_resolve_group(group, gid);
        if (e)
            return e;
    }
    return 0;
}

static void op_write(struct conn *c, struct req *r)
{
    char dir[PATH_MAX], tmp[PATH_MAX];
    size_t len = strlen(r->path);
    while (len > 1 && r->path[len - 1] == '/')
        len--;
    if (len <= 1) {
        send_error(c, EISDIR, "write %s: is a directory", r->path);
        return;
    }
    memcpy(dir, r->path, len);
    dir[len] = 0;
    char *slash = strrchr(dir, '/');
    char base[NAME_MAX + 1];
    if (strlen(slash + 1) > NAME_MAX - 20) {
        send_error(c, ENAMETOOLONG, "write %s: name too long", r->path);
        return;
    }
    strcpy(base, slash + 1);
    if (slash == dir)
        dir[1] = 0;
    else
        *slash = 0;
    uid_t uid;
    gid_t gid;
    int e = resolve_owner(r->user, r->group, &uid, &gid);
    if (e) {
        send_error(c, e, "write %s: unknown owner: %s", r->path, strerror(e));
        return;
    }
    if ((r->flags & WRITE_PARENTS) && (e = fs_mkdir_p(dir, 0755, 0)) != 0) {
        send_error(c, e, "mkdir %s: %s", dir, strerror(e));
        return;
    }
    int tl = snprintf(tmp, sizeof(tmp), "%s/.%s.berth-XXXXXX", strcmp(dir, "/") ? dir : "", base);
    if (tl < 0 || (size_t)tl >= sizeof(tmp)) {
        send_error(c, ENAMETOOLONG, "write %s: path too long", r->path);
        return;
    }
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        e = errno;
        send_error(c, e, "write %s: %s", r->path, strerror(e));
        return;
    }
    if (fchmod(fd, r->mode) != 0 || ((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) != 0)) {
        e = errno;
        close(fd);
        unlink(tmp);
        send_error(c, e, "write %s: %s", r->path, strerror(e));
        return;
    }
    c->file_fd = fd;
    c->tmp_path = strdup(tmp);
    c->final_path = strdup(r->path);
    if (!c->tmp_path || !c->final_path) {
        send_error(c, ENOMEM, "out of memory");
        return;
    }
    c->st = C_WRITE;
    send_frame(c, RSP_OK, NULL, 0); /* ready for DATA */
}

static void write_data(struct conn *c, const uint8_t *d, size_t n)
{
    while (n) {
        ssize_t w = write(c->file_fd, d, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            send_error(c, errno, "write %s: %s", c->final_path, strerror(errno));
            return;
        }
        d += w;
        n -= (size_t)w;
    }
}

static void write_finish(struct conn *c)
{
    int fd = c->file_fd;
    c->file_fd = -1;
    if (close(fd) != 0) {
        send_error(c, errno, "write %s: %s", c->final_path, strerror(errno));
        return;
    }
    if (rename(c->tmp_path, c->final_path) != 0) {
        send_error(c, errno, "rename to %s: %s", c->final_path, strerror(errno));
        return;
    }
    free(c->tmp_path);
    c->tmp_path = NULL;
    send_ok_close(c);
}

static void op_simple(struct conn *c, struct req *r)
{
    int e = 0;
    const char *what = "";
    switch (r->type) {
    case T_MKDIR:
        what = "mkdir";
        if (r->flags & MKDIR_PARENTS) {
            e = fs_mkdir_p(r->path, r->mode, 1);
        } else if (mkdir(r->path, r->mode) != 0 || chmod(r->path, r->mode) != 0) {
            e = errno;
        }
        break;
    case T_MOVE:
        what = "move";
        if (r->flags & MOVE_NOREPLACE) {
            if (syscall(SYS_renameat2, AT_FDCWD, r->path, AT_FDCWD, r->path2, 1 /* RENAME_NOREPLACE */) != 0)
                e = errno;
        } else if (rename(r->path, r->path2) != 0) {
            e = errno;
        }
        break;
    case T_DELETE:
        what = "delete";
        e = (r->flags & DELETE_RECURSIVE) ? fs_rm_rf(r->path) : fs_remove(r->path);
        break;
    case T_CHMOD:
        what = "chmod";
        if (chmod(r->path, r->mode) != 0)
            e = errno;
        break;
    case T_CHOWN: {
        what = "chown";
        uid_t uid;
        gid_t gid;
        e = resolve_owner(r->user, r->group, &uid, &gid);
        if (!e && chown(r->path, uid, gid) != 0)
            e = errno;
        break;
    }
    default:
        e = EPROTO;
    }
    if (e)
        send_error(c, e, "%s %s: %s", what, r->path, strerror(e));
    else
        send_ok_close(c);
}

/* ------------------------------------------------------------------ logs */

static int ep_done(void)
{
    return !ep_running && ep_out < 0 && ep_err < 0;
}

static void pump_logs(struct conn *c)
{
    while (out_free(c) >= OUT_RESERVE) {
        uint64_t limit = c->log_follow ? ring_tail : c->log_end;
        if (c->log_pos < ring_head)
            c->log_pos = ring_head; /* fell behind: oldest records were overwritten */
        if (c->log_pos >= limit) {
            if (!c->log_follow || (ep_done())) {
                if (c->log_follow && ep_started) {
                    uint8_t buf[9], *q;
                    int code = 0, sig = 0;
                    if (WIFEXITED(ep_status))
                        code = WEXITSTATUS(ep_status);
                    else if (WIFSIGNALED(ep_status)) {
                        sig = WTERMSIG(ep_status);
                        code = 128 + sig;
                    }
                    q = put_u32(buf, (uint32_t)code);
                    q = put_u32(q, (uint32_t)sig);
                    q = put_u8(q, 0);
                    send_frame(c, RSP_EXIT, buf, (size_t)(q - buf));
                }
                send_frame(c, RSP_END, NULL, 0);
                c->closing = 1;
            }
            return;
        }
        uint8_t h[5];
        ring_copy_out(c->log_pos, h, 5);
        uint32_t n = get_u32(h + 1);
        size_t cap;
        uint8_t *p = frame_begin(c, &cap);
        if (!p)
            return;
        /* records are at most PIPE_CHUNK bytes, smaller than OUT_RESERVE */
        p[0] = h[0];
        ring_copy_out(c->log_pos + 5, p + 1, n);
        frame_end(c, RSP_LOG, (size_t)n + 1);
        c->log_pos += 5 + (uint64_t)n;
    }
}

static void op_logs(struct conn *c, struct req *r)
{
    c->st = C_LOGS;
    c->log_follow = (r->flags & LOGS_FOLLOW) != 0;
    c->log_pos = ring_head;
    c->log_end = ring_tail;
    pump_logs(c);
}

/* ------------------------------------------------------------------ authentication */

/*
 * The runner connects through a path inside a directory this sandbox can write, so the socket it
 * reaches may be another sandbox's (a symlink planted by a hostile sandbox). The runner therefore
 * proves, before anything else, that it meant THIS sandbox: the first frame must carry this
 * sandbox's token. A token for any other sandbox is refused, and nothing else is served.
 */
static void auth(struct conn *c, struct req *r)
{
    if (!auth_token_len) {
        send_error(c, EACCES, "this sandbox's agent has no token (%s: %s); restart the sandbox so the runner "
                              "writes it",
                   token_path, token_problem);
    } else if (!auth_token_equal(auth_token, auth_token_len, r->token, strlen(r->token))) {
        send_error(c, EACCES, "authentication failed: the token is not this sandbox's (the connection was "
                              "meant for another sandbox, or the runner's key changed: restart the sandbox)");
    } else {
        send_frame(c, RSP_AUTH_OK, NULL, 0);
        c->st = C_HELLO;
    }
}

/*
 * Reads the token the runner wrote before starting the container. Never follows a symlink; a
 * missing or malformed file leaves the agent without a token (it then refuses every connection
 * with a message naming the file, instead of serving anyone who connects).
 */
static void load_token(void)
{
    int fd = open(token_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0) {
        snprintf(token_problem, sizeof(token_problem), "%s", strerror(errno));
        return;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(token_problem, sizeof(token_problem), "not a regular file");
        close(fd);
        return;
    }
    char buf[AUTH_TOKEN_MAX + 2];
    ssize_t n = read(fd, buf, sizeof(buf));
    close(fd);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        n--;
    if (n <= 0 || n > (ssize_t)AUTH_TOKEN_MAX || memchr(buf, 0, (size_t)n)) {
        snprintf(token_problem, sizeof(token_problem), "empty, too long or binary");
        return;
    }
    memcpy(auth_token, buf, (size_t)n);
    auth_token[n] = 0;
    auth_token_len = (size_t)n;
    explicit_bzero(buf, sizeof(buf));
}

/* ------------------------------------------------------------------ dispatch */

static void handle_frame(struct conn *c, uint8_t type, const uint8_t *payload, size_t plen)
{
    struct req r;
    int e = proto_parse(type, payload, plen, &r);
    if (e) {
        send_error(c, e, "bad request (type 0x%02x): %s", type, r.err ? r.err : "invalid");
        proto_req_free(&r);
        return;
    }
    switch (c->st) {
    case C_AUTH:
        auth(c, &r);
        break;
    case C_HELLO:
        if (type != T_HELLO) {
            send_error(c, EPROTO, "expected HELLO");
        } else if (r.version < 1) {
            send_error(c, EPROTO, "unsupported protocol version %u", r.version);
        } else {
            uint8_t buf[64], *q = put_u16(buf, PROTO_VERSION);
            q = put_str(q, AGENT_VERSION, (uint32_t)strlen(AGENT_VERSION));
            send_frame(c, RSP_HELLO, buf, (size_t)(q - buf));
            c->st = C_REQ;
        }
        break;
    case C_REQ:
        switch (type) {
        case T_PING: {
            uint8_t buf[64], *q = put_str(buf, AGENT_VERSION, (uint32_t)strlen(AGENT_VERSION));
            send_frame(c, RSP_PONG, buf, (size_t)(q - buf));
            c->closing = 1;
            break;
        }
        case T_SPAWN: do_spawn(c, &r); break;
        case T_STAT: op_stat(c, &r); break;
        case T_LIST: op_list(c, &r); break;
        case T_READ: op_read(c, &r); break;
        case T_WRITE: op_write(c, &r); break;
        case T_MKDIR:
        case T_MOVE:
        case T_DELETE:
        case T_CHMOD:
        case T_CHOWN: op_simple(c, &r); break;
        case T_LOGS: op_logs(c, &r); break;
        default: send_error(c, EPROTO, "unexpected frame 0x%02x", type); break;
        }
        break;
    case C_SPAWN: {
        struct proc *p = c->proc;
        if (!p)
            break;
        switch (type) {
        case T_STDIN:
            if (r.datalen && !p->stdin_close_pending && (p->pty || p->in_fd >= 0) && !p->exited) {
                p->stdin_buf = malloc(r.datalen);
                if (p->stdin_buf) {
                    memcpy(p->stdin_buf, r.data, r.datalen);
                    p->stdin_off = 0;
                    p->stdin_len = r.datalen;
                    proc_write_stdin(p);
                }
            }
            break;
        case T_CLOSE_STDIN:
            p->stdin_close_pending = 1;
            proc_write_stdin(p);
            break;
        case T_SIGNAL:
            if (!p->exited)
                kill(-p->pid, (int)r.signo);
            break;
        case T_RESIZE:
            if (p->pty && p->out_fd >= 0) {
                struct winsize ws = {.ws_row = r.rows, .ws_col = r.cols};
                ioctl(p->out_fd, TIOCSWINSZ, &ws);
            }
            break;
        default:
            send_error(c, EPROTO, "unexpected frame 0x%02x during spawn", type);
        }
        break;
    }
    case C_WRITE:
        if (type == T_DATA)
            write_data(c, r.data, r.datalen);
        else if (type == T_DATA_END)
            write_finish(c);
        else
            send_error(c, EPROTO, "unexpected frame 0x%02x during write", type);
        break;
    default:
        send_error(c, EPROTO, "unexpected frame 0x%02x", type);
    }
    proto_req_free(&r);
}

static int conn_can_process(struct conn *c)
{
    if (c->closing)
        return 0;
    if (c->proc && c->proc->stdin_len > 0)
        return 0;
    return 1;
}

/* Process complete frames in the input buffer. */
static void conn_process(struct conn *c)
{
    size_t off = 0;
    while (conn_can_process(c)) {
        uint32_t total;
        uint8_t type;
        int h = proto_frame_header(c->in + off, c->in_len - off, &total, &type);
        if (h < 0) {
            send_error(c, EMSGSIZE, "invalid frame length");
            break;
        }
        if (h > 0 && c->st == C_AUTH && (type != T_AUTH || total > FRAME_HDR + 4 + AUTH_TOKEN_MAX)) {
            /* refused from the header alone: an unauthenticated peer's payload is never parsed */
            send_error(c, EACCES, "authentication required: the first frame must be AUTH with this sandbox's "
                                  "token (got frame 0x%02x)", type);
            break;
        }
        if (h == 0 || c->in_len - off < total)
            break;
        handle_frame(c, type, c->in + off + FRAME_HDR, total - FRAME_HDR);
        off += total;
    }
    if (off) {
        memmove(c->in, c->in + off, c->in_len - off);
        c->in_len -= off;
    }
    if (c->in_len == 0 && c->in_cap > 65536) {
        free(c->in);
        c->in = NULL;
        c->in_cap = 0;
    }
}

/* Returns -1 when the peer is gone. */
static int conn_read(struct conn *c)
{
    size_t need = 65536;
    uint32_t total;
    uint8_t type;
    if (c->in_len >= 4 && proto_frame_header(c->in, c->in_len, &total, &type) == 1 && total > need)
        need = total;
    if (need > c->in_cap) {
        uint8_t *n = realloc(c->in, need);
        if (!n)
            return -1;
        c->in = n;
        c->in_cap = need;
    }
    if (c->in_len >= c->in_cap)
        return 0;
    ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
    if (n < 0)
        return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
    if (n == 0)
        return -1;
    c->in_len += (size_t)n;
    conn_process(c);
    return 0;
}

static void conn_pump(struct conn *c)
{
    switch (c->st) {
    case C_READ: pump_read(c); break;
    case C_LIST: pump_list(c); break;
    case C_LOGS: pump_logs(c); break;
    case C_SPAWN:
        if (c->proc)
            proc_service(c->proc);
        break;
    default: break;
    }
}

static void do_accept(void)
{
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EINTR)
                logmsg("accept: %s", strerror(errno));
            return;
        }
        if (nconns >= MAX_CONNS) {
            close(fd);
            continue;
        }
        struct conn *c = calloc(1, sizeof(*c));
        if (!c) {
            close(fd);
            return;
        }
        c->fd = fd;
        c->file_fd = -1;
        c->st = C_AUTH;
        conns[nconns++] = c;
        had_conns = 1;
        if (nconns >= MAX_CONNS)
            return;
    }
}

/* ------------------------------------------------------------------ entrypoint */

static void tee_out(int fd, const uint8_t *d, size_t n)
{
    /* best effort: never block on our own stdout/stderr */
    while (n) {
        struct pollfd pf = {.fd = fd, .events = POLLOUT};
        if (poll(&pf, 1, 0) != 1 || !(pf.revents & POLLOUT))
            return;
        size_t k = n > 4096 ? 4096 : n;
        ssize_t w = write(fd, d, k);
        if (w <= 0)
            return;
        d += w;
        n -= (size_t)w;
    }
}

/* Returns 1 data, 0 EAGAIN, -1 closed. */
static int ep_read(int *fdp, uint8_t stream)
{
    uint8_t buf[PIPE_CHUNK];
    ssize_t n = read(*fdp, buf, sizeof(buf));
    if (n > 0) {
        ring_append(stream, buf, (size_t)n);
        tee_out(stream == 1 ? 1 : 2, buf, (size_t)n);
        return 1;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    close(*fdp);
    *fdp = -1;
    return -1;
}

static void ep_service(void)
{
    if (ep_running)
        return;
    int *fds[2] = {&ep_out, &ep_err};
    for (int i = 0; i < 2; i++)
        while (*fds[i] >= 0)
            if (ep_read(fds[i], (uint8_t)(i + 1)) == 0) {
                close(*fds[i]);
                *fds[i] = -1;
            }
}

static void start_entrypoint(char **argv)
{
    int o[2], e[2], ctl[2];
    if (pipe2(o, O_CLOEXEC) || pipe2(e, O_CLOEXEC) || pipe2(ctl, O_CLOEXEC)) {
        logmsg("pipe: %s", strerror(errno));
        exit(1);
    }
    pid_t pid = fork();
    if (pid < 0) {
        logmsg("fork: %s", strerror(errno));
        exit(1);
    }
    if (pid == 0) {
        child_reset_signals();
        close(ctl[0]);
        dup2(o[1], 1);
        dup2(e[1], 2);
        char **env = environ;
        child_exec(argv, env, ctl[1]);
        _exit(127);
    }
    close(o[1]);
    close(e[1]);
    close(ctl[1]);
    struct child_err ce;
    ssize_t n;
    do {
        n = read(ctl[0], &ce, sizeof(ce));
    } while (n < 0 && errno == EINTR);
    close(ctl[0]);
    ep_pid = pid;
    ep_running = 1;
    ep_started = 1;
    ep_out = o[0];
    ep_err = e[0];
    set_nonblock(ep_out);
    set_nonblock(ep_err);
    if (n == (ssize_t)sizeof(ce)) {
        char msg[512];
        int l = snprintf(msg, sizeof(msg), "berth-agent: exec %s: %s\n", argv[0], strerror(ce.err));
        if (l > 0)
            ring_append(2, (const uint8_t *)msg, (size_t)l);
        logmsg("exec %s: %s", argv[0], strerror(ce.err));
    }
}

/* ------------------------------------------------------------------ main loop */

/* Toolbox sessions keep their state in the sandbox (see docs/toolbox.md); none of their shells outlives a
   restart, so as init the agent starts with none. */
#define SESSIONS_DIR "/tmp/.berth/sessions"

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

static void clear_sessions(void)
{
    nftw(SESSIONS_DIR, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static void shutdown_and_exit(int code)
{
    for (struct proc *p = procs; p; p = p->next)
        if (!p->exited)
            kill(-p->pid, SIGKILL);
    if (socket_path)
        unlink(socket_path);
    exit(code);
}

static void reap(void)
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

static void handle_signals(void)
{
    struct signalfd_siginfo si;
    while (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        int s = (int)si.ssi_signo;
        if (s == SIGCHLD) {
            continue;
        }
        if (ep_running) {
            kill(ep_pid, s);
            if (s == SIGTERM || s == SIGINT)
                got_term = 1;
        } else if (s == SIGTERM || s == SIGINT) {
            shutdown_and_exit(0);
        }
    }
    reap();
}

static void check_timeouts(int64_t now)
{
    for (struct proc *p = procs; p; p = p->next) {
        if (p->deadline && !p->exited && now >= p->deadline) {
            p->timed_out = 1;
            p->deadline = 0;
            kill(-p->pid, SIGKILL);
        }
    }
}

static int setup_socket(const char *path)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        logmsg("socket path too long");
        return -1;
    }
    strcpy(sa.sun_path, path);
    char dir[sizeof(sa.sun_path)];
    strcpy(dir, path);
    char *sl = strrchr(dir, '/');
    if (sl && sl != dir) {
        *sl = 0;
        fs_mkdir_p(dir, 0700, 0);
    }
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    mode_t old = umask(0177);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    umask(old);
    if (rc != 0 || chmod(path, 0600) != 0 || listen(fd, 128) != 0) {
        logmsg("bind %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

enum { K_LISTEN, K_SIG, K_CONN, K_POUT, K_PERR, K_PIN, K_EPOUT, K_EPERR };

static void usage(void)
{
    fprintf(stderr, "usage: berth-agent --socket PATH [--token-file PATH] [--log-buffer BYTES] [--exit-with-entrypoint] [--] [cmd args...]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int i;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--socket") && i + 1 < argc) {
            socket_path = argv[++i];
        } else if (!strcmp(argv[i], "--token-file") && i + 1 < argc) {
            snprintf(token_path, sizeof(token_path), "%s", argv[++i]);
        } else if (!strcmp(argv[i], "--log-buffer") && i + 1 < argc) {
            long v = strtol(argv[++i], NULL, 10);
            if (v < 4096 || v > (64L << 20))
                usage();
            ring_cap = (size_t)v;
        } else if (!strcmp(argv[i], "--exit-with-entrypoint")) {
            opt_exit_with_entrypoint = 1;
        } else if (!strcmp(argv[i], "--version")) {
            printf("%s protocol %u\n", AGENT_VERSION, PROTO_VERSION);
            return 0;
        } else if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else if (argv[i][0] == '-') {
            usage();
        } else {
            break;
        }
    }
    if (!socket_path)
        usage();
    if (!token_path[0]) {
        /* default: agent.token next to the socket, where the runner writes it before every start */
        const char *sl = strrchr(socket_path, '/');
        if (sl)
            snprintf(token_path, sizeof(token_path), "%.*s/agent.token", (int)(sl - socket_path), socket_path);
        else
            snprintf(token_path, sizeof(token_path), "agent.token");
    }
    load_token();
    if (!auth_token_len)
        logmsg("no token (%s: %s): every connection will be refused", token_path, token_problem);
    char **ep_argv = i < argc ? argv + i : NULL;

    if (getpid() != 1)
        prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGPIPE, SIG_IGN);
    sigset_t mask;
    sigemptyset(&mask);
    int fwd[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
    for (size_t k = 0; k < sizeof(fwd) / sizeof(fwd[0]); k++)
        sigaddset(&mask, fwd[k]);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sig_fd < 0) {
        logmsg("signalfd: %s", strerror(errno));
        return 1;
    }
    /* per-connection buffers (64 KiB..1 MiB) come from mmap and go back to the kernel when freed,
       so RSS returns to its idle size after bursts */
    mallopt(M_MMAP_THRESHOLD, 32 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024);
    umask(022);
    if (getpid() == 1)
        clear_sessions();
    listen_fd = setup_socket(socket_path);
    if (listen_fd < 0)
        return 1;
    if (ep_argv)
        start_entrypoint(ep_argv);

    struct pollfd *pfd = calloc(MAX_CONNS * 4 + 8, sizeof(*pfd));
    struct pent {
        int kind;
        void *ptr;
    } *pe = calloc(MAX_CONNS * 4 + 8, sizeof(*pe));
    if (!pfd || !pe)
        return 1;

    int spin = 0;
    for (;;) {
        int n = 0;
        int64_t now = now_ms();
        check_timeouts(now);
        int timeout = -1;
        for (struct proc *p = procs; p; p = p->next)
            if (p->deadline && !p->exited) {
                int64_t d = p->deadline - now;
                if (d < 0)
                    d = 0;
                if (timeout < 0 || d < timeout)
                    timeout = (int)(d > 86400000 ? 86400000 : d);
            }
        if (nconns < MAX_CONNS) {
            pfd[n] = (struct pollfd){listen_fd, POLLIN, 0};
            pe[n++] = (struct pent){K_LISTEN, NULL};
        }
        pfd[n] = (struct pollfd){sig_fd, POLLIN, 0};
        pe[n++] = (struct pent){K_SIG, NULL};
        if (ep_out >= 0) {
            pfd[n] = (struct pollfd){ep_out, POLLIN, 0};
            pe[n++] = (struct pent){K_EPOUT, NULL};
        }
        if (ep_err >= 0) {
            pfd[n] = (struct pollfd){ep_err, POLLIN, 0};
            pe[n++] = (struct pent){K_EPERR, NULL};
        }
        for (int k = 0; k < nconns; k++) {
            struct conn *c = conns[k];
            short ev = 0;
            if (!c->closing && conn_can_process(c))
                ev |= POLLIN;
            if (c->out_len)
                ev |= POLLOUT;
            pfd[n] = (struct pollfd){c->fd, ev, 0};
            pe[n++] = (struct pent){K_CONN, c};
            struct proc *p = c->proc;
            if (p && !p->exited) {
                int room = out_free(c) >= OUT_RESERVE;
                if (p->out_fd >= 0 && room) {
                    pfd[n] = (struct pollfd){p->out_fd, POLLIN, 0};
                    pe[n++] = (struct pent){K_POUT, p};
                }
                if (p->err_fd >= 0 && room) {
                    pfd[n] = (struct pollfd){p->err_fd, POLLIN, 0};
                    pe[n++] = (struct pent){K_PERR, p};
                }
                int infd = p->pty ? p->out_fd : p->in_fd;
                if (p->stdin_len && infd >= 0) {
                    pfd[n] = (struct pollfd){infd, POLLOUT, 0};
                    pe[n++] = (struct pent){K_PIN, p};
                }
            }
        }
        int rc = poll(pfd, (nfds_t)n, spin ? 0 : timeout);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            logmsg("poll: %s", strerror(errno));
            return 1;
        }
        for (int k = 0; k < n; k++) {
            short re = pfd[k].revents;
            if (!re)
                continue;
            switch (pe[k].kind) {
            case K_LISTEN:
                do_accept();
                break;
            case K_SIG:
                handle_signals();
                break;
            case K_EPOUT:
                if (ep_out >= 0)
                    ep_read(&ep_out, 1);
                break;
            case K_EPERR:
                if (ep_err >= 0)
                    ep_read(&ep_err, 2);
                break;
            case K_CONN: {
                struct conn *c = pe[k].ptr;
                int dead = 0;
                if (re & POLLOUT)
                    dead = conn_flush(c) < 0;
                if (!dead && (re & POLLIN))
                    dead = conn_read(c) < 0;
                if (!dead && (re & (POLLHUP | POLLERR)) && !(re & POLLIN))
                    dead = 1;
                if (dead) {
                    /* later entries may still reference c->proc: mark them stale */
                    for (int j = k + 1; j < n; j++)
                        if (pe[j].ptr == c || (c->proc && pe[j].ptr == c->proc))
                            pe[j].kind = -1;
                    conn_free(c);
                }
                break;
            }
            case K_POUT:
            case K_PERR: {
                struct proc *p = pe[k].ptr;
                if (!p->conn)
                    break;
                int *fdp = pe[k].kind == K_POUT ? &p->out_fd : &p->err_fd;
                if (*fdp >= 0 && out_free(p->conn) >= OUT_RESERVE)
                    proc_read_stream(p, fdp, pe[k].kind == K_POUT ? RSP_STDOUT : RSP_STDERR);
                break;
            }
            case K_PIN: {
                struct proc *p = pe[k].ptr;
                proc_write_stdin(p);
                break;
            }
            default:
                break;
            }
        }
        /* producers, exit handling, flushing, closing */
        ep_service();
        spin = 0;
        for (int k = 0; k < nconns;) {
            struct conn *c = conns[k];
            int dead = 0, rounds = 0;
            /* produce while the socket accepts everything we flush; otherwise POLLOUT resumes us */
            for (;;) {
                size_t before = c->out_len;
                int was_closing = c->closing;
                conn_pump(c);
                if (c->out_len == before && c->closing == was_closing)
                    break;
                if (c->out_len && conn_flush(c) < 0) {
                    dead = 1;
                    break;
                }
                if (c->out_len || c->closing)
                    break;
                if (++rounds == 4) {
                    spin = 1; /* more to produce: don't sleep in poll, but let others run */
                    break;
                }
            }
            if (dead) {
                conn_free(c);
                continue;
            }
            if (!c->closing && conn_can_process(c) && c->in_len)
                conn_process(c); /* frames held back by stdin backpressure */
            if (c->closing && c->out_len == 0) {
                conn_free(c);
                continue;
            }
            k++;
        }
        if (nconns == 0 && had_conns) {
            had_conns = 0;
            malloc_trim(0);
        }
        if (ep_started && ep_done() && (opt_exit_with_entrypoint || got_term)) {
            int code = WIFEXITED(ep_status) ? WEXITSTATUS(ep_status) : 128 + WTERMSIG(ep_status);
            shutdown_and_exit(code);
        }
    }
}
