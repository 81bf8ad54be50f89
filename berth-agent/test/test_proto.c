/* Unit tests for the pure frame/request parser (run by `make test`). */
#include "proto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                      \
        }                                                                    \
    } while (0)

static uint8_t buf[8192];
static size_t blen;

static void reset(void) { blen = 0; }
static void u8(uint8_t v) { buf[blen++] = v; }
static void u16(uint16_t v) { put_u16(buf + blen, v); blen += 2; }
static void u32(uint32_t v) { put_u32(buf + blen, v); blen += 4; }
static void u64(uint64_t v) { put_u64(buf + blen, v); blen += 8; }
static void str(const char *s) { uint32_t n = (uint32_t)strlen(s); put_str(buf + blen, s, n); blen += 4 + n; }

static int parse(uint8_t type, struct req *r) { return proto_parse(type, buf, blen, r); }

int main(void)
{
    struct req r;
    uint32_t total;
    uint8_t type;

    /* frame header */
    uint8_t h[5] = {0, 0, 0, 1, T_PING};
    CHECK(proto_frame_header(h, 3, &total, &type) == 0);
    CHECK(proto_frame_header(h, 5, &total, &type) == 1 && total == 5 && type == T_PING);
    uint8_t zero[5] = {0, 0, 0, 0, 1};
    CHECK(proto_frame_header(zero, 5, &total, &type) == -1);
    uint8_t big[5] = {0x80, 0, 0, 0, 1};
    CHECK(proto_frame_header(big, 4, &total, &type) == -1); /* rejected before the type byte */
    uint8_t max[5] = {0, 0x10, 0, 0, 1};
    CHECK(proto_frame_header(max, 5, &total, &type) == 1 && total == FRAME_MAX + 4);
    uint8_t over[5] = {0, 0x10, 0, 1, 1};
    CHECK(proto_frame_header(over, 5, &total, &type) == -1);

    /* hello */
    reset(); u32(PROTO_MAGIC); u16(1);
    CHECK(parse(T_HELLO, &r) == 0 && r.version == 1); proto_req_free(&r);
    reset(); u32(0xdeadbeef); u16(1);
    CHECK(parse(T_HELLO, &r) == EPROTO); proto_req_free(&r);
    reset(); u32(PROTO_MAGIC); u16(1); u8(0);
    CHECK(parse(T_HELLO, &r) == EPROTO); proto_req_free(&r); /* trailing byte */

    /* auth: the token is a string of at most AUTH_TOKEN_MAX bytes, nothing after it */
    reset(); str("0123abcd");
    CHECK(parse(T_AUTH, &r) == 0 && !strcmp(r.token, "0123abcd")); proto_req_free(&r);
    reset(); str("0123abcd"); u8(0);
    CHECK(parse(T_AUTH, &r) == EPROTO); proto_req_free(&r); /* trailing byte */
    reset(); u32(AUTH_TOKEN_MAX + 1); memset(buf + blen, 'a', AUTH_TOKEN_MAX + 1); blen += AUTH_TOKEN_MAX + 1;
    CHECK(parse(T_AUTH, &r) == ENAMETOOLONG); proto_req_free(&r);
    reset(); u32(3); memcpy(buf + blen, "a\0b", 3); blen += 3;
    CHECK(parse(T_AUTH, &r) == EINVAL); proto_req_free(&r); /* embedded NUL */
    CHECK(auth_token_equal("secret", 6, "secret", 6));
    CHECK(!auth_token_equal("secret", 6, "secreT", 6));
    CHECK(!auth_token_equal("secret", 6, "secre", 5));   /* prefix */
    CHECK(!auth_token_equal("secret", 6, "secrets", 7)); /* extension */
    CHECK(!auth_token_equal("", 0, "", 0));              /* no token: nothing matches */

    /* spawn */
    reset(); u32(SPAWN_PTY); u32(500); u16(80); u16(24); str("/tmp"); str("nobody");
    u32(3); str("sh"); str("-c"); str("echo hi"); u32(1); str("A=b=c");
    CHECK(parse(T_SPAWN, &r) == 0);
    CHECK(r.argc == 3 && !strcmp(r.argv[2], "echo hi") && r.argv[3] == NULL);
    CHECK(r.envc == 1 && !strcmp(r.env[0], "A=b=c") && r.timeout_ms == 500 && r.cols == 80);
    proto_req_free(&r);
    reset(); u32(0); u32(0); u16(0); u16(0); str(""); str(""); u32(0); u32(0);
    CHECK(parse(T_SPAWN, &r) == EINVAL); proto_req_free(&r); /* empty argv */
    reset(); u32(0); u32(0); u16(0); u16(0); str(""); str(""); u32(1); str("x"); u32(1); str("=v");
    CHECK(parse(T_SPAWN, &r) == EINVAL); proto_req_free(&r); /* env without key */
    reset(); u32(0); u32(0); u16(0); u16(0); str("rel"); str(""); u32(1); str("x"); u32(0);
    CHECK(parse(T_SPAWN, &r) == EINVAL); proto_req_free(&r); /* relative cwd */
    reset(); u32(0); u32(0); u16(0); u16(0); str(""); str(""); u32(0xffffffff);
    CHECK(parse(T_SPAWN, &r) == E2BIG); proto_req_free(&r); /* count overflow */
    reset(); u32(0); u32(0); u16(0); u16(0); str(""); str(""); u32(1000);
    CHECK(parse(T_SPAWN, &r) == EPROTO); proto_req_free(&r); /* count beyond frame */
    reset(); u32(0); u32(0); u16(0); u16(0); str(""); str(""); u32(1); u32(0xfffffff0);
    CHECK(parse(T_SPAWN, &r) == EPROTO); proto_req_free(&r); /* string length overflow */

    /* paths */
    reset(); u32(0); str("relative");
    CHECK(parse(T_STAT, &r) == EINVAL); proto_req_free(&r);
    reset(); u32(0); u32(5); memcpy(buf + blen, "/a\0bc", 5); blen += 5;
    CHECK(parse(T_STAT, &r) == EINVAL); proto_req_free(&r); /* embedded NUL */
    reset(); u32(0); u32(5000); memset(buf + blen, 'a', 5000); buf[blen] = '/'; blen += 5000;
    CHECK(parse(T_STAT, &r) == ENAMETOOLONG); proto_req_free(&r);
    reset(); str("/etc"); u64(0); u64(READ_TO_EOF);
    CHECK(parse(T_READ, &r) == 0 && r.length == READ_TO_EOF); proto_req_free(&r);
    reset(); u32(WRITE_PARENTS); u32(010000); str("/x"); str(""); str("");
    CHECK(parse(T_WRITE, &r) == EINVAL); proto_req_free(&r); /* bad mode */
    reset(); str("/x"); str(""); str("");
    CHECK(parse(T_CHOWN, &r) == EINVAL); proto_req_free(&r);
    reset(); u32(0);
    CHECK(parse(T_SIGNAL, &r) == EINVAL); proto_req_free(&r);
    reset(); u32(9);
    CHECK(parse(T_SIGNAL, &r) == 0 && r.signo == 9); proto_req_free(&r);
    reset();
    CHECK(parse(0x7f, &r) == EPROTO && r.err); proto_req_free(&r);

    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("test-proto: all checks passed\n");
    return 0;
}
