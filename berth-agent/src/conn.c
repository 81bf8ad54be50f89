/* Connections: buffered framing, authentication, the request dispatcher, accept. */
#include "agent.h"

size_t out_free(struct conn *c)
{
    size_t used = c->out_off + c->out_len;
    return used >= OUT_CAP ? 0 : OUT_CAP - used;
}

int out_ensure(struct conn *c)
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
uint8_t *frame_begin(struct conn *c, size_t *cap)
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

void frame_end(struct conn *c, uint8_t type, size_t payload_len)
{
    uint8_t *h = c->out + c->out_off + c->out_len;
    put_u32(h, (uint32_t)(payload_len + 1));
    h[4] = type;
    c->out_len += FRAME_HDR + payload_len;
}

void send_frame(struct conn *c, uint8_t type, const void *data, size_t len)
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

void send_error(struct conn *c, int err, const char *fmt, ...)
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

void send_ok_close(struct conn *c)
{
    send_frame(c, RSP_OK, NULL, 0);
    c->closing = 1;
}

void conn_free(struct conn *c)
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
int conn_flush(struct conn *c)
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

/*
 * The runner connects through a path inside a directory this sandbox can write, so the socket it
 * reaches may be another sandbox's (a symlink planted by a hostile sandbox). The runner therefore
 * proves, before anything else, that it meant THIS sandbox: the first frame must carry this
 * sandbox's token. A token for any other sandbox is refused, and nothing else is served.
 */
void auth(struct conn *c, struct req *r)
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
void load_token(void)
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

void handle_frame(struct conn *c, uint8_t type, const uint8_t *payload, size_t plen)
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
        case T_ATTACH: op_attach(c, &r); break;
        case T_PTY_RESIZE: op_pty_resize(c, &r); break;
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

int conn_can_process(struct conn *c)
{
    if (c->closing)
        return 0;
    if (c->proc && c->proc->stdin_len > 0)
        return 0;
    return 1;
}

/* Process complete frames in the input buffer. */
void conn_process(struct conn *c)
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
int conn_read(struct conn *c)
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

void conn_pump(struct conn *c)
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

void do_accept(void)
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
