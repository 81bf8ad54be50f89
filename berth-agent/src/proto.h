/*
 * berth-agent wire protocol: frame header + request parser.
 * Pure functions only (no I/O), so the fuzz target and unit tests can call them.
 * See docs/agent-protocol.md.
 */
#ifndef BERTH_PROTO_H
#define BERTH_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_VERSION 1u
#define PROTO_MAGIC 0x42525448u /* "BRTH" */
#define FRAME_HDR 5u            /* u32 length + u8 type */
#define FRAME_MAX (1u << 20)    /* max value of the length field (type + payload) */
#define CHUNK_MAX (64u * 1024u) /* max data bytes the agent puts in one frame */

#define MAX_ARGS 4096u
#define MAX_ENV 4096u
#define MAX_PATH_LEN 4095u
#define MAX_NAME_LEN 256u
#define AUTH_TOKEN_MAX 256u /* bytes of the per-sandbox token (the runner sends 64 hex digits) */

/* client -> agent */
enum {
    T_AUTH = 0x03, /* first frame of every connection: proves the client knows this sandbox's token */
    T_HELLO = 0x01,
    T_PING = 0x02,
    T_SPAWN = 0x10,
    T_STDIN = 0x11,
    T_CLOSE_STDIN = 0x12,
    T_SIGNAL = 0x13,
    T_RESIZE = 0x14,
    T_ATTACH = 0x15,     /* attach to a detached terminal by pid (then as after SPAWN) */
    T_PTY_RESIZE = 0x16, /* resize a detached terminal by pid, from any connection */
    T_STAT = 0x20,
    T_LIST = 0x21,
    T_READ = 0x22,
    T_WRITE = 0x23,
    T_DATA = 0x24,
    T_DATA_END = 0x25,
    T_MKDIR = 0x26,
    T_MOVE = 0x27,
    T_DELETE = 0x28,
    T_CHMOD = 0x29,
    T_CHOWN = 0x2A,
    T_LOGS = 0x30,
};

/* agent -> client */
enum {
    RSP_HELLO = 0x81,
    RSP_AUTH_OK = 0x83,
    RSP_PONG = 0x82,
    RSP_SPAWNED = 0x90,
    RSP_STDOUT = 0x91,
    RSP_STDERR = 0x92,
    RSP_EXIT = 0x93,
    RSP_STAT = 0xA0,
    RSP_ENTRIES = 0xA1,
    RSP_DATA = 0xA2,
    RSP_END = 0xA3,
    RSP_OK = 0xA4,
    RSP_LOG = 0xB0,
    RSP_ERROR = 0xE0,
};

/* SPAWN flags */
#define SPAWN_PTY 0x1u
#define SPAWN_ENV_REPLACE 0x2u
#define SPAWN_STDIN_CLOSED 0x4u /* start with stdin already closed (no CLOSE_STDIN round trip) */
/* keep running when the connection closes: the process is its own session (see docs/agent-protocol.md).
   Toolbox sessions use it for their shells; with SPAWN_PTY it is a terminal any connection can ATTACH to. */
#define SPAWN_DETACH 0x8u
#define SPAWN_KNOWN (SPAWN_PTY | SPAWN_ENV_REPLACE | SPAWN_STDIN_CLOSED | SPAWN_DETACH)
/* STAT flags */
#define STAT_NOFOLLOW 0x1u
/* WRITE flags */
#define WRITE_PARENTS 0x1u
#define WRITE_KNOWN WRITE_PARENTS
/* MKDIR flags */
#define MKDIR_PARENTS 0x1u
/* DELETE flags */
#define DELETE_RECURSIVE 0x1u
/* LOGS flags */
#define LOGS_FOLLOW 0x1u
/* MOVE flags */
#define MOVE_NOREPLACE 0x1u

#define READ_TO_EOF UINT64_MAX

/*
 * Parse a frame header from buf[0..avail).
 * Returns 0 if more bytes are needed, 1 on success (*total = 4 + length, *type set),
 * -1 if the header is invalid (length 0 or > FRAME_MAX).
 */
int proto_frame_header(const uint8_t *buf, size_t avail, uint32_t *total, uint8_t *type);

struct req {
    uint8_t type;
    uint32_t flags;
    uint32_t mode;
    uint32_t magic;
    uint32_t version;
    uint32_t timeout_ms;
    uint32_t signo;
    uint32_t pid; /* ATTACH, PTY_RESIZE */
    uint16_t cols, rows;
    uint64_t offset, length;
    char *path;  /* STAT LIST READ WRITE MKDIR MOVE(src) DELETE CHMOD CHOWN */
    char *path2; /* MOVE dst */
    char *cwd;   /* SPAWN ("" = inherit) */
    char *user;  /* SPAWN, CHOWN, WRITE ("" = unchanged) */
    char *group; /* CHOWN, WRITE ("" = unchanged) */
    char *token; /* AUTH */
    char **argv; /* NULL-terminated */
    uint32_t argc;
    char **env; /* NULL-terminated */
    uint32_t envc;
    const uint8_t *data; /* STDIN / DATA: points into the caller's payload buffer */
    uint32_t datalen;
    const char *err; /* static error message when parse fails */
};

/*
 * Parse one request payload (the bytes after the type byte) of the given type.
 * Returns 0 on success; otherwise a positive errno value (EPROTO, EINVAL, ENAMETOOLONG,
 * E2BIG) with r->err set to a static message. Always call proto_req_free afterwards.
 */
int proto_parse(uint8_t type, const uint8_t *payload, size_t len, struct req *r);
void proto_req_free(struct req *r);

/* Output buffer encoder helpers (caller guarantees capacity). */
uint8_t *put_u8(uint8_t *p, uint8_t v);
uint8_t *put_u16(uint8_t *p, uint16_t v);
uint8_t *put_u32(uint8_t *p, uint32_t v);
uint8_t *put_u64(uint8_t *p, uint64_t v);
uint8_t *put_str(uint8_t *p, const char *s, uint32_t n);
uint32_t get_u32(const uint8_t *p);

/*
 * Constant-time comparison of a presented token with the expected one: 1 when equal. The time
 * depends only on the expected length (never on where the first difference is), so a client
 * cannot learn the token byte by byte. An empty expected token never matches.
 */
int auth_token_equal(const char *expected, size_t elen, const char *presented, size_t plen);

#endif
