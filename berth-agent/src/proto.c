/* berth-agent request parser. No I/O; every field read from the wire is validated. */
#include "proto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint32_t get_u32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

uint8_t *put_u8(uint8_t *p, uint8_t v)
{
    *p = v;
    return p + 1;
}

uint8_t *put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return p + 2;
}

uint8_t *put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
    return p + 4;
}

uint8_t *put_u64(uint8_t *p, uint64_t v)
{
    p = put_u32(p, (uint32_t)(v >> 32));
    return put_u32(p, (uint32_t)v);
}

uint8_t *put_str(uint8_t *p, const char *s, uint32_t n)
{
    p = put_u32(p, n);
    if (n)
        memcpy(p, s, n);
    return p + n;
}

int proto_frame_header(const uint8_t *buf, size_t avail, uint32_t *total, uint8_t *type)
{
    if (avail < 4)
        return 0;
    uint32_t len = get_u32(buf);
    if (len == 0 || len > FRAME_MAX)
        return -1;
    if (avail < FRAME_HDR)
        return 0;
    *total = len + 4u;
    *type = buf[4];
    return 1;
}

/* ---- cursor ---- */

struct rd {
    const uint8_t *p;
    size_t n;
    int err;              /* errno-style, 0 = ok */
    const char *msg;
};

static void fail(struct rd *c, int err, const char *msg)
{
    if (!c->err) {
        c->err = err;
        c->msg = msg;
    }
}

static uint32_t rd_u32(struct rd *c)
{
    if (c->err)
        return 0;
    if (c->n < 4) {
        fail(c, EPROTO, "truncated u32");
        return 0;
    }
    uint32_t v = get_u32(c->p);
    c->p += 4;
    c->n -= 4;
    return v;
}

static uint16_t rd_u16(struct rd *c)
{
    if (c->err)
        return 0;
    if (c->n < 2) {
        fail(c, EPROTO, "truncated u16");
        return 0;
    }
    uint16_t v = (uint16_t)((c->p[0] << 8) | c->p[1]);
    c->p += 2;
    c->n -= 2;
    return v;
}

static uint64_t rd_u64(struct rd *c)
{
    uint64_t hi = rd_u32(c);
    uint64_t lo = rd_u32(c);
    return (hi << 32) | lo;
}

/* Reads a length-prefixed string, copies it NUL-terminated. Rejects embedded NUL. */
static char *rd_str(struct rd *c, uint32_t maxlen)
{
    uint32_t n = rd_u32(c);
    if (c->err)
        return NULL;
    if (n > c->n) {
        fail(c, EPROTO, "string length exceeds frame");
        return NULL;
    }
    if (n > maxlen) {
        fail(c, ENAMETOOLONG, "string too long");
        return NULL;
    }
    if (n && memchr(c->p, 0, n)) {
        fail(c, EINVAL, "embedded NUL in string");
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (!s) {
        fail(c, ENOMEM, "out of memory");
        return NULL;
    }
    memcpy(s, c->p, n);
    s[n] = 0;
    c->p += n;
    c->n -= n;
    return s;
}

static char *rd_path(struct rd *c)
{
    char *s = rd_str(c, MAX_PATH_LEN);
    if (s && s[0] != '/')
        fail(c, EINVAL, "path must be absolute");
    return s;
}

static char **rd_strlist(struct rd *c, uint32_t maxcount, uint32_t *count)
{
    uint32_t n = rd_u32(c);
    *count = 0;
    if (c->err)
        return NULL;
    if (n > maxcount) {
        fail(c, E2BIG, "too many list entries");
        return NULL;
    }
    /* each entry needs at least 4 bytes on the wire */
    if ((size_t)n * 4u > c->n) {
        fail(c, EPROTO, "list count exceeds frame");
        return NULL;
    }
    char **v = calloc((size_t)n + 1, sizeof(char *));
    if (!v) {
        fail(c, ENOMEM, "out of memory");
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        v[i] = rd_str(c, FRAME_MAX);
        if (c->err)
            break;
        (*count)++;
    }
    return v;
}

static void rd_end(struct rd *c)
{
    if (!c->err && c->n != 0)
        fail(c, EPROTO, "trailing bytes in frame");
}

static void free_list(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

void proto_req_free(struct req *r)
{
    free(r->path);
    free(r->path2);
    free(r->cwd);
    free(r->user);
    free(r->group);
    free(r->token);
    free_list(r->argv);
    free_list(r->env);
    memset(r, 0, sizeof(*r));
}

int proto_parse(uint8_t type, const uint8_t *payload, size_t len, struct req *r)
{
    struct rd c = {payload, len, 0, NULL};
    memset(r, 0, sizeof(*r));
    r->type = type;
    if (len > FRAME_MAX) {
        r->err = "frame too large";
        return EMSGSIZE;
    }
    switch (type) {
    case T_HELLO:
        r->magic = rd_u32(&c);
        r->version = rd_u16(&c);
        rd_end(&c);
        if (!c.err && r->magic != PROTO_MAGIC)
            fail(&c, EPROTO, "bad magic");
        break;
    case T_AUTH:
        r->token = rd_str(&c, AUTH_TOKEN_MAX);
        rd_end(&c);
        break;
    case T_PING:
    case T_CLOSE_STDIN:
    case T_DATA_END:
        rd_end(&c);
        break;
    case T_STDIN:
    case T_DATA:
        r->data = payload;
        r->datalen = (uint32_t)len;
        break;
    case T_SPAWN:
        r->flags = rd_u32(&c);
        r->timeout_ms = rd_u32(&c);
        r->cols = rd_u16(&c);
        r->rows = rd_u16(&c);
        r->cwd = rd_str(&c, MAX_PATH_LEN);
        r->user = rd_str(&c, MAX_NAME_LEN);
        r->argv = rd_strlist(&c, MAX_ARGS, &r->argc);
        r->env = rd_strlist(&c, MAX_ENV, &r->envc);
        rd_end(&c);
        if (c.err)
            break;
        if (r->flags & ~SPAWN_KNOWN)
            fail(&c, EINVAL, "unknown spawn flags");
        else if (r->argc == 0 || r->argv[0][0] == 0)
            fail(&c, EINVAL, "argv must not be empty");
        else if (r->cwd[0] != 0 && r->cwd[0] != '/')
            fail(&c, EINVAL, "cwd must be absolute");
        else {
            for (uint32_t i = 0; i < r->envc; i++) {
                const char *eq = strchr(r->env[i], '=');
                if (!eq || eq == r->env[i]) {
                    fail(&c, EINVAL, "env entry must be KEY=VALUE");
                    break;
                }
            }
        }
        break;
    case T_SIGNAL:
        r->signo = rd_u32(&c);
        rd_end(&c);
        if (!c.err && (r->signo < 1 || r->signo > 64))
            fail(&c, EINVAL, "bad signal number");
        break;
    case T_RESIZE:
        r->cols = rd_u16(&c);
        r->rows = rd_u16(&c);
        rd_end(&c);
        if (!c.err && (r->cols == 0 || r->rows == 0))
            fail(&c, EINVAL, "bad window size");
        break;
    case T_ATTACH:
        r->pid = rd_u32(&c);
        rd_end(&c);
        if (!c.err && (r->pid < 2 || r->pid > 0x3fffffff))
            fail(&c, EINVAL, "bad pid");
        break;
    case T_PTY_RESIZE:
        r->pid = rd_u32(&c);
        r->cols = rd_u16(&c);
        r->rows = rd_u16(&c);
        rd_end(&c);
        if (!c.err && (r->pid < 2 || r->pid > 0x3fffffff))
            fail(&c, EINVAL, "bad pid");
        else if (!c.err && (r->cols == 0 || r->rows == 0))
            fail(&c, EINVAL, "bad window size");
        break;
    case T_STAT:
        r->flags = rd_u32(&c);
        r->path = rd_path(&c);
        rd_end(&c);
        if (!c.err && (r->flags & ~STAT_NOFOLLOW))
            fail(&c, EINVAL, "unknown stat flags");
        break;
    case T_LIST:
        r->path = rd_path(&c);
        rd_end(&c);
        break;
    case T_READ:
        r->path = rd_path(&c);
        r->offset = rd_u64(&c);
        r->length = rd_u64(&c);
        rd_end(&c);
        if (!c.err && r->offset > (uint64_t)INT64_MAX)
            fail(&c, EINVAL, "bad offset");
        break;
    case T_WRITE:
        r->flags = rd_u32(&c);
        r->mode = rd_u32(&c);
        r->path = rd_path(&c);
        r->user = rd_str(&c, MAX_NAME_LEN);
        r->group = rd_str(&c, MAX_NAME_LEN);
        rd_end(&c);
        if (!c.err && (r->flags & ~WRITE_KNOWN))
            fail(&c, EINVAL, "unknown write flags");
        if (!c.err && r->mode > 07777)
            fail(&c, EINVAL, "bad mode");
        break;
    case T_MKDIR:
        r->flags = rd_u32(&c);
        r->mode = rd_u32(&c);
        r->path = rd_path(&c);
        rd_end(&c);
        if (!c.err && (r->flags & ~MKDIR_PARENTS))
            fail(&c, EINVAL, "unknown mkdir flags");
        if (!c.err && r->mode > 07777)
            fail(&c, EINVAL, "bad mode");
        break;
    case T_MOVE:
        r->flags = rd_u32(&c);
        r->path = rd_path(&c);
        r->path2 = rd_path(&c);
        rd_end(&c);
        if (!c.err && (r->flags & ~MOVE_NOREPLACE))
            fail(&c, EINVAL, "unknown move flags");
        break;
    case T_DELETE:
        r->flags = rd_u32(&c);
        r->path = rd_path(&c);
        rd_end(&c);
        if (!c.err && (r->flags & ~DELETE_RECURSIVE))
            fail(&c, EINVAL, "unknown delete flags");
        break;
    case T_CHMOD:
        r->mode = rd_u32(&c);
        r->path = rd_path(&c);
        rd_end(&c);
        if (!c.err && r->mode > 07777)
            fail(&c, EINVAL, "bad mode");
        break;
    case T_CHOWN:
        r->path = rd_path(&c);
        r->user = rd_str(&c, MAX_NAME_LEN);
        r->group = rd_str(&c, MAX_NAME_LEN);
        rd_end(&c);
        if (!c.err && r->user[0] == 0 && r->group[0] == 0)
            fail(&c, EINVAL, "chown needs a user or a group");
        break;
    case T_LOGS:
        r->flags = rd_u32(&c);
        rd_end(&c);
        if (!c.err && (r->flags & ~LOGS_FOLLOW))
            fail(&c, EINVAL, "unknown logs flags");
        break;
    default:
        fail(&c, EPROTO, "unknown frame type");
        break;
    }
    if (c.err) {
        r->err = c.msg;
        return c.err;
    }
    return 0;
}

int auth_token_equal(const char *expected, size_t elen, const char *presented, size_t plen)
{
    if (elen == 0)
        return 0;
    volatile unsigned diff = (unsigned)(elen != plen);
    for (size_t i = 0; i < elen; i++)
        diff |= (unsigned)(uint8_t)expected[i] ^ (unsigned)(uint8_t)(i < plen ? presented[i] : 0);
    return diff == 0;
}
