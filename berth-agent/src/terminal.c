/* Detached terminals (SPAWN flags 8 + 1): attach by pid, resize from any connection, drain while unattached. */
#include "agent.h"

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
