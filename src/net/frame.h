/* frame.h: the wire framing of the TLS transport (tls.h).
 *
 * A frame is a 4-byte big-endian length followed by that many payload
 * bytes.  The decoder is incremental (bytes arrive in arbitrary pieces) and
 * rejects a length above its bound before allocating anything, so a peer
 * cannot make us allocate more than `max` bytes per frame; the payload's
 * buffer grows as its bytes arrive (at most twice what arrived), so an
 * announced length alone allocates nothing big.  Kept free of
 * OpenSSL so the fuzzer (fuzz/fuzz_net_frame.c) links it alone. */
#ifndef STOFFEL_NET_FRAME_H
#define STOFFEL_NET_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t max; /* largest payload accepted */
    uint8_t hdr[4];
    size_t hdr_have;  /* header bytes read so far (0..4) */
    uint8_t *buf;     /* payload being assembled (NULL between frames) */
    size_t len, have; /* payload length, bytes read */
    size_t cap;       /* bytes allocated for buf: grows with what arrived,
                            * so a header alone costs no more than NET_FRAME_FIRST */
    bool control_ok;  /* accept control frames (set after net_frame_init) */
    bool control;     /* the frame being read is one */
    /* Optional (set after net_frame_init): a recycled buffer of at least
     * len bytes for a data frame's payload (*cap its size), or NULL to
     * allocate as usual.  The frame handed out is then that buffer. */
    uint8_t *(*take)(void *ctx, size_t len, size_t *cap);
    void *take_ctx;
} NetFrameDecoder;

/* A header with this bit set announces a control frame of the transport
 * (reconnect.h) of at most NET_FRAME_CONTROL_MAX bytes; only a decoder with
 * control_ok takes it, any other refuses it as too big. */
#define NET_FRAME_CONTROL_BIT 0x80000000u
#define NET_FRAME_CONTROL_MAX 64

#define NET_FRAME_FIRST ((size_t)64 << 10)

enum {
    NET_FRAME_MORE = 0,     /* all input consumed, no complete frame */
    NET_FRAME_DONE = 1,     /* a frame is complete (*frame, *frame_len) */
    NET_FRAME_CONTROL = 2,  /* a control frame is complete (as DONE) */
    NET_FRAME_TOO_BIG = -1, /* the announced length exceeds max */
    NET_FRAME_NOMEM = -2,
};

void net_frame_init(NetFrameDecoder *d, size_t max);
/* Consumes bytes from data[0..len) until a frame completes or the input is
 * used up; *used says how many were consumed.  On NET_FRAME_DONE *frame is
 * malloc'd (caller frees; at least one byte allocated even for an empty
 * payload) and *frame_len its length.  After an error the decoder is
 * unusable (the connection must be dropped) until net_frame_free. */
int net_frame_feed(NetFrameDecoder *d, const uint8_t *data, size_t len, size_t *used, uint8_t **frame,
                   size_t *frame_len);
/* Where the payload of the frame being assembled may be read to directly,
 * without a copy: up to *room bytes (the buffer grows as in
 * net_frame_feed).  NULL between frames, inside a header, or when out of
 * memory (net_frame_feed then reports it). */
uint8_t *net_frame_room(NetFrameDecoder *d, size_t *room);
/* n bytes (at most *room) were read to net_frame_room's pointer: the
 * result is net_frame_feed's (NET_FRAME_MORE, or a completed frame). */
int net_frame_filled(NetFrameDecoder *d, size_t n, uint8_t **frame, size_t *frame_len);
/* Frees a partially assembled frame. */
void net_frame_free(NetFrameDecoder *d);
/* Writes the 4-byte header for a payload of len bytes. */
void net_frame_header(uint8_t hdr[4], uint32_t len);

#endif
