/* The poll loop: one pass polls the listening socket, the signalfd, the entrypoint's pipes and every
   connection with its process, handles what is ready, then lets every connection produce and flush. */
#include "agent.h"

enum { K_LISTEN, K_SIG, K_CONN, K_POUT, K_PERR, K_PIN, K_EPOUT, K_EPERR, K_DRAIN };

/* every connection with its process's three descriptors, the fixed ones, and the detached terminals */
#define POLL_CAP (MAX_CONNS * 4 + 8 + MAX_DETACHED)

struct pent {
    int kind;
    void *ptr;
    uint32_t pid; /* K_DRAIN: looked up again when handled (the process may be reaped first) */
};

/* Milliseconds until the nearest process deadline (-1 = none). */
static int next_timeout(int64_t now)
{
    int timeout = -1;
    for (struct proc *p = procs; p; p = p->next)
        if (p->deadline && !p->exited) {
            int64_t d = p->deadline - now;
            if (d < 0)
                d = 0;
            if (timeout < 0 || d < timeout)
                timeout = (int)(d > 86400000 ? 86400000 : d);
        }
    return timeout;
}

static void add(struct pollfd *pfd, struct pent *pe, int *n, int fd, short ev, int kind, void *ptr)
{
    if (*n >= POLL_CAP)
        return; /* cannot happen while MAX_CONNS and MAX_DETACHED hold; never write past the set */
    pfd[*n] = (struct pollfd){fd, ev, 0};
    pe[(*n)++] = (struct pent){kind, ptr, 0};
}

/* Fills the poll set; returns its size. A process's output is polled only while its connection has room. */
static int build_pollset(struct pollfd *pfd, struct pent *pe)
{
    int n = 0;
    if (nconns < MAX_CONNS)
        add(pfd, pe, &n, listen_fd, POLLIN, K_LISTEN, NULL);
    add(pfd, pe, &n, sig_fd, POLLIN, K_SIG, NULL);
    if (ep_out >= 0)
        add(pfd, pe, &n, ep_out, POLLIN, K_EPOUT, NULL);
    if (ep_err >= 0)
        add(pfd, pe, &n, ep_err, POLLIN, K_EPERR, NULL);
    for (int k = 0; k < nconns; k++) {
        struct conn *c = conns[k];
        short ev = 0;
        if (!c->closing && conn_can_process(c))
            ev |= POLLIN;
        if (c->out_len)
            ev |= POLLOUT;
        add(pfd, pe, &n, c->fd, ev, K_CONN, c);
        struct proc *p = c->proc;
        if (p && !p->exited) {
            int room = out_free(c) >= OUT_RESERVE;
            if (p->out_fd >= 0 && room)
                add(pfd, pe, &n, p->out_fd, POLLIN, K_POUT, p);
            if (p->err_fd >= 0 && room)
                add(pfd, pe, &n, p->err_fd, POLLIN, K_PERR, p);
            int infd = p->pty ? p->out_fd : p->in_fd;
            if (p->stdin_len && infd >= 0)
                add(pfd, pe, &n, infd, POLLOUT, K_PIN, p);
        }
    }
    for (struct proc *p = procs; p; p = p->next)
        if (!p->conn && p->detach && p->pty && !p->exited && p->out_fd >= 0) {
            int before = n;
            add(pfd, pe, &n, p->out_fd, POLLIN, K_DRAIN, NULL);
            if (n > before)
                pe[n - 1].pid = (uint32_t)p->pid;
        }
    return n;
}

/* Handles the ready entries of the poll set. */
static void dispatch(struct pollfd *pfd, struct pent *pe, int n)
{
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
        case K_DRAIN:
            proc_drain(pe[k].pid);
            break;
        case K_PIN: {
            struct proc *p = pe[k].ptr;
            proc_write_stdin(p);
            break;
        }
        default:
            break;
        }
    }
}

/* Lets every connection produce and flush, resumes held-back frames and frees finished connections.
   Returns 1 when some connection has more to produce at once (the next poll must not sleep). */
static int service_conns(void)
{
    int spin = 0;
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
    return spin;
}

int run_loop(void)
{
    struct pollfd *pfd = calloc(POLL_CAP, sizeof(*pfd));
    struct pent *pe = calloc(POLL_CAP, sizeof(*pe));
    if (!pfd || !pe)
        return 1;
    int spin = 0;
    for (;;) {
        int64_t now = now_ms();
        check_timeouts(now);
        int timeout = next_timeout(now);
        if (held_argv) {
            /* the runner's go-ahead is a file it creates; look every 5 ms until then (only at start) */
            if (access(hold_path, F_OK) == 0) {
                char **argv = held_argv;
                held_argv = NULL;
                start_entrypoint(argv);
            } else if (timeout < 0 || timeout > 5) {
                timeout = 5;
            }
        }
        int n = build_pollset(pfd, pe);
        int rc = poll(pfd, (nfds_t)n, spin ? 0 : timeout);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            logmsg("poll: %s", strerror(errno));
            return 1;
        }
        dispatch(pfd, pe, n);
        ep_service();
        spin = service_conns();
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
