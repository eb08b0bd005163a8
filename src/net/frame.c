/* frame.c: incremental decoder for length-prefixed frames (frame.h). */
#include "net/frame.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void net_frame_init(NetFrameDecoder *d, size_t max)
{
    memset(d, 0, sizeof *d);
    d->max = max;
}

void net_frame_free(NetFrameDecoder *d)
{
    /* a partial frame may hold dealt shares */
    if (d->buf) sodium_memzero(d->buf, d->have);
    free(d->buf);
    d->buf = NULL;
    d->hdr_have = d->len = d->have = d->cap = 0;
}

void net_frame_header(uint8_t hdr[4], uint32_t len)
{
    hdr[0] = (uint8_t)(len >> 24);
    hdr[1] = (uint8_t)(len >> 16);
    hdr[2] = (uint8_t)(len >> 8);
    hdr[3] = (uint8_t)len;
}

/* Makes room for need payload bytes: doubling, never past the announced
 * length; the old block is wiped (it may hold shares). */
static int grow(NetFrameDecoder *d, size_t need)
{
    if (need <= d->cap) return 0;
    size_t ncap = d->cap;
    while (ncap < need) ncap = ncap > d->len / 2 ? d->len : 2 * ncap;
    uint8_t *nb = malloc(ncap);
    if (!nb) return -1;
    memcpy(nb, d->buf, d->have);
    sodium_memzero(d->buf, d->have);
    free(d->buf);
    d->buf = nb;
    d->cap = ncap;
    return 0;
}

/* The frame is complete: hand it out. */
static int finish(NetFrameDecoder *d, uint8_t **frame, size_t *frame_len)
{
    *frame = d->buf;
    *frame_len = d->len;
    d->buf = NULL;
    d->hdr_have = d->len = d->have = d->cap = 0;
    return d->control ? NET_FRAME_CONTROL : NET_FRAME_DONE;
}

uint8_t *net_frame_room(NetFrameDecoder *d, size_t *room)
{
    if (d->hdr_have < 4 || !d->buf || d->have >= d->len) return NULL;
    if (d->have == d->cap && grow(d, d->have + 1) != 0) return NULL;
    *room = (d->cap < d->len ? d->cap : d->len) - d->have;
    return d->buf + d->have;
}

int net_frame_filled(NetFrameDecoder *d, size_t n, uint8_t **frame, size_t *frame_len)
{
    d->have += n;
    return d->have < d->len ? NET_FRAME_MORE : finish(d, frame, frame_len);
}

int net_frame_feed(NetFrameDecoder *d, const uint8_t *data, size_t len, size_t *used, uint8_t **frame,
                   size_t *frame_len)
{
    size_t pos = 0;
    *used = 0;
    while (d->hdr_have < 4) {
        if (pos == len) return NET_FRAME_MORE;
        d->hdr[d->hdr_have++] = data[pos++];
        *used = pos;
        if (d->hdr_have == 4) {
            uint32_t n = (uint32_t)d->hdr[0] << 24 | (uint32_t)d->hdr[1] << 16 | (uint32_t)d->hdr[2] << 8 | d->hdr[3];
            d->control =
                d->control_ok && (n & NET_FRAME_CONTROL_BIT) && (n & ~NET_FRAME_CONTROL_BIT) <= NET_FRAME_CONTROL_MAX;
            if (d->control) n &= ~NET_FRAME_CONTROL_BIT;
            if (n > d->max) return NET_FRAME_TOO_BIG;
            d->len = n;
            d->have = 0;
            d->buf = n && d->take && !d->control ? d->take(d->take_ctx, n, &d->cap) : NULL;
            if (!d->buf) {
                /* never NULL on success, even for an empty payload */
                d->cap = n < NET_FRAME_FIRST ? (n ? n : 1) : NET_FRAME_FIRST;
                d->buf = malloc(d->cap);
                if (!d->buf) return NET_FRAME_NOMEM;
            }
        }
    }
    size_t take = d->len - d->have;
    if (take > len - pos) take = len - pos;
    if (take && grow(d, d->have + take) != 0) return NET_FRAME_NOMEM;
    if (take) {
        memcpy(d->buf + d->have, data + pos, take);
        d->have += take;
        pos += take;
    }
    *used = pos;
    if (d->have < d->len) return NET_FRAME_MORE;
    return finish(d, frame, frame_len);
}
