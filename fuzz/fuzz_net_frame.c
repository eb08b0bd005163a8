/* fuzz_net_frame.c: libFuzzer target for the TLS transport's frame decoder
 * (src/net/frame.h).  The input's first byte picks how the rest is cut into
 * pieces; the decoder, fed piece by piece, must yield exactly the frames a
 * straightforward one-pass parse of the same bytes yields, reject a length
 * above the bound before allocating, and never read or write out of
 * bounds.  Built and run by `make fuzz` (binary corpus). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t step = (size_t)data[0] % 17 + 1;
    data++;
    size--;

    NetFrameDecoder d;
    net_frame_init(&d, FUZZ_MAX);
    size_t ref = 0; /* reference parser position */
    size_t pos = 0;
    while (pos < size) {
        size_t piece = size - pos < step ? size - pos : step;
        size_t off = 0;
        while (off < piece) {
            size_t used = 0, flen = 0;
            uint8_t *frame = NULL;
            int r = net_frame_feed(&d, data + pos + off, piece - off, &used, &frame, &flen);
            if (used > piece - off) abort();
            off += used;
            if (r == NET_FRAME_MORE) {
                if (off != piece) abort();
                break;
            }
            /* what the reference parse says comes next */
            if (size - ref < 4) abort();
            uint32_t n = (uint32_t)data[ref] << 24 | (uint32_t)data[ref + 1] << 16 | (uint32_t)data[ref + 2] << 8 |
                         data[ref + 3];
            if (r == NET_FRAME_TOO_BIG) {
                if (n <= FUZZ_MAX || pos + off != ref + 4) abort();
                net_frame_free(&d);
                return 0;
            }
            if (r != NET_FRAME_DONE || n > FUZZ_MAX || flen != n || !frame || size - ref - 4 < n ||
                memcmp(frame, data + ref + 4, n) != 0 || pos + off != ref + 4 + n)
                abort();
            free(frame);
            ref += 4 + n;
        }
        pos += piece;
    }
    /* whatever is left is an incomplete frame: the decoder holds it */
    if (ref != size && size - ref >= 4) {
        uint32_t n =
            (uint32_t)data[ref] << 24 | (uint32_t)data[ref + 1] << 16 | (uint32_t)data[ref + 2] << 8 | data[ref + 3];
        if (n > FUZZ_MAX || size - ref - 4 >= n) abort();
    }
    net_frame_free(&d);
    return 0;
}
