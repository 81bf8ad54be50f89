/* The entrypoint (the container command) and its log ring, read by LOGS. */
#include "agent.h"

void ring_copy_in(uint64_t pos, const uint8_t *src, size_t n)
{
    size_t off = (size_t)(pos % ring_cap);
    size_t first = ring_cap - off < n ? ring_cap - off : n;
    memcpy(ring + off, src, first);
    if (n > first)
        memcpy(ring, src + first, n - first);
}

void ring_copy_out(uint64_t pos, uint8_t *dst, size_t n)
{
    size_t off = (size_t)(pos % ring_cap);
    size_t first = ring_cap - off < n ? ring_cap - off : n;
    memcpy(dst, ring + off, first);
    if (n > first)
        memcpy(dst + first, ring, n - first);
}

void ring_append(uint8_t stream, const uint8_t *d, size_t n)
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

int ep_done(void)
{
    return !ep_running && ep_out < 0 && ep_err < 0;
}

void pump_logs(struct conn *c)
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

void op_logs(struct conn *c, struct req *r)
{
    c->st = C_LOGS;
    c->log_follow = (r->flags & LOGS_FOLLOW) != 0;
    c->log_pos = ring_head;
    c->log_end = ring_tail;
    pump_logs(c);
}

void tee_out(int fd, const uint8_t *d, size_t n)
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
int ep_read(int *fdp, uint8_t stream)
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

void ep_service(void)
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

void start_entrypoint(char **argv)
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
    ssize_t n = read_child_err(ctl[0], &ce);
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
