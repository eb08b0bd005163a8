/* fuzz_hello.c: libFuzzer target for the session hello (net/hello.h), the
 * first frame a peer sends after the TLS handshake, fed through the same
 * frame decoder as on a connection.  Every field comes back a terminated
 * string within its buffer (absent fields empty), the node id is set only
 * for a decimal number, and nothing crashes.  Built and run by `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/frame.h"
#include "net/hello.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_field(const char *v, size_t cap, bool has)
{
    const char *z = memchr(v, 0, cap);
    if (!z || (!has && z != v) || memchr(v, '\n', (size_t)(z - v))) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* as a connection gets it: framed, at most NET_HELLO_MAX */
    NetFrameDecoder d;
    net_frame_init(&d, NET_HELLO_MAX);
    size_t used = 0, flen = 0;
    uint8_t *frame = NULL;
    int r = net_frame_feed(&d, data, size, &used, &frame, &flen);
    const uint8_t *body = data;
    size_t blen = size;
    if (r == NET_FRAME_DONE) {
        body = frame;
        blen = flen;
    }
    NetHello h;
    int p = net_hello_parse(body, blen, &h);
    check_field(h.node, sizeof h.node, h.has_node);
    check_field(h.params, sizeof h.params, h.has_params);
    check_field(h.program, sizeof h.program, h.has_program);
    if (p != 0 && (h.has_node || h.has_params || h.has_program || h.node_id != -1)) abort();
    if (h.node_id >= 0 && (!h.has_node || strspn(h.node, "0123456789") != strlen(h.node) || h.node_id > UINT32_MAX))
        abort();
    free(frame);
    net_frame_free(&d);
    return 0;
}
