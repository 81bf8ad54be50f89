/* libFuzzer target over the berth-agent frame + request parser (no sockets). */
#include "proto.h"

#include <stdlib.h>
#include <string.h>

static void check_req(const struct req *r)
{
    /* touch every string so ASan catches unterminated / dangling ones */
    volatile size_t sink = 0;
    const char *s[] = {r->path, r->path2, r->cwd, r->user, r->group, r->token};
    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
        if (s[i])
            sink += strlen(s[i]);
    for (uint32_t i = 0; r->argv && i < r->argc; i++)
        sink += strlen(r->argv[i]);
    for (uint32_t i = 0; r->env && i < r->envc; i++)
        sink += strlen(r->env[i]);
    if (r->data && r->datalen)
        sink += r->data[r->datalen - 1];
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;
    /* a byte stream of frames, exactly as read from the socket */
    while (off < size) {
        uint32_t total;
        uint8_t type;
        int h = proto_frame_header(data + off, size - off, &total, &type);
        if (h <= 0)
            break;
        if (total > size - off)
            break;
        struct req r;
        int e = proto_parse(type, data + off + FRAME_HDR, total - FRAME_HDR, &r);
        if (e == 0)
            check_req(&r);
        else if (!r.err)
            abort(); /* every failure must carry a message */
        proto_req_free(&r);
        off += total;
    }
    return 0;
}
