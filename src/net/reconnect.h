/* reconnect.h: resuming a connection of the TLS transport (tls.h) after a
 * reset, without losing or repeating a message.
 *
 * Each direction of a connection between two nodes numbers its data
 * frames implicitly, 0, 1, 2, ... for the life of the session (the numbers
 * never travel).  The receiver tells the sender now and then how many
 * frames it has taken in, with a control frame (an acknowledgement); the
 * sender keeps every frame it has not seen acknowledged in a resend store
 * (NetResend), whose bytes count against the peer's outbound bound
 * (TLS_PEER_OUT_LIMIT), so it is bounded, and are wiped when freed (they
 * may be dealt shares).
 *
 * After a reset the node that dialled redials within the reconnect window,
 * with backoff (net_backoff_ms).  The new connection must present the same
 * pinned key (the roster's) and, in its hello, the same run nonce as the
 * lost one - a restarted process cannot resume someone else's stream - and
 * each hello says how many frames that side has received (`recv N`,
 * hello.h).  Each side then drops what the other has received from its store
 * and writes the rest again (net_resend_rewind), so the stream continues
 * where it broke.
 *
 * Control frames: a frame header with NET_CTL_BIT set (frame.h), then
 * NET_CTL_LEN bytes: the type (NET_CTL_ACK) and a 64-bit big-endian count.
 * Only sent to a peer whose hello carried `recv` (this release). */
#ifndef STOFFEL_NET_RECONNECT_H
#define STOFFEL_NET_RECONNECT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* how long a lost connection may take to come back before the peer counts
 * as gone (below the parties' 10 s protocol timeout, so a resumed
 * connection is in time for the wait that noticed it) */
#define NET_RECONNECT_MS 5000
/* a receiver acknowledges after this many frames or bytes, or when idle */
#define NET_ACK_FRAMES 128
#define NET_ACK_BYTES ((size_t)1 << 20)
/* ...idle meaning nothing came for this long: short, since a node that
 * finished waits for the acknowledgement of its last frames to close */
#define NET_ACK_IDLE_MS 20

/* an acknowledged batch's buffer up to this size is kept for the next
 * batch (NetResend.spare); a larger one is freed, so a burst (preprocessing
 * deals several MB to each peer) does not stay allocated per peer */
#define NET_RESEND_SPARE_MAX ((size_t)8 << 20)

#define NET_CTL_ACK 1
#define NET_CTL_LEN 9
#define NET_CTL_FRAME (4 + NET_CTL_LEN)

/* One frame queued to several peers with one copy (the transport's
 * send_many): their resend stores share it, and the last store to let go
 * calls release (which wipes it when it frees it). */
typedef struct NetShared {
    atomic_uint refs;
    uint8_t *buf;    /* header and payload */
    size_t len, cap; /* len = 4 + payload; cap allocated */
    void (*release)(struct NetShared *sh);
    void *ctx; /* release's */
} NetShared;

/* Drops one reference; the last calls sh->release. */
void net_shared_put(NetShared *sh);

/* One buffer of frames taken from a peer's queue: frames [seq, seq+frames). */
typedef struct {
    uint8_t *buf;
    size_t len, cap; /* frames in buf[0..len), allocated (and wiped when freed): cap */
    uint64_t seq;
    uint32_t frames;
    NetShared *sh; /* buf is this shared frame's (not kept as the spare) */
} NetResendBatch;

/* Frames sent to one peer and not yet acknowledged, and how far they have
 * been written on the current connection.  Used by one thread at a time
 * (the peer's connection thread). */
typedef struct {
    NetResendBatch *b;
    size_t nb, capb;
    size_t head_off; /* bytes of b[0] already acknowledged */
    uint64_t acked;  /* frames acknowledged */
    uint64_t next;   /* number of the next frame added */
    size_t bytes;    /* held and not acknowledged */
    size_t wi, woff; /* write cursor: batch b[wi], offset woff (woff < b[wi].len) */
    /* the largest acknowledged buffer, kept for the next batch instead of
     * freed (it still holds old frames: wiped when freed, not on reuse) */
    uint8_t *spare;
    size_t spare_cap;
} NetResend;

/* Adds a buffer of `frames` whole frames (takes buf; on failure it is wiped
 * and freed, and -1 returned). */
int net_resend_add(NetResend *r, uint8_t *buf, size_t len, uint32_t frames);
/* The same for a buffer of cap >= len bytes (a reused one: the bytes past
 * len are old frames, wiped with it). */
int net_resend_add_cap(NetResend *r, uint8_t *buf, size_t len, size_t cap, uint32_t frames);
/* The same for one shared frame (takes a reference the caller holds; on
 * failure it is dropped and -1 returned). */
int net_resend_add_shared(NetResend *r, NetShared *sh);
/* The bytes still to write on this connection: false when there are none. */
bool net_resend_pending(const NetResend *r, const uint8_t **p, size_t *len);
/* n bytes of what net_resend_pending gave were written. */
void net_resend_wrote(NetResend *r, size_t n);
/* The peer has received `count` frames: they are wiped and freed.  -1 if
 * count goes back or past what was written (a peer acknowledging frames it
 * cannot have received), leaving the store unchanged. */
int net_resend_ack(NetResend *r, uint64_t count);
/* A new connection: the peer says it has received `count` frames; those
 * are dropped and the write cursor goes back to the first one it lacks.
 * -1 (store unchanged) if count is below what it acknowledged before or
 * past what was written. */
int net_resend_rewind(NetResend *r, uint64_t count);
/* Frames that will be written again after net_resend_rewind. */
uint64_t net_resend_unwritten_frames(const NetResend *r);
/* Takes the kept buffer of an acknowledged batch (NULL if none): *cap
 * bytes, not wiped.  The caller wipes it when it frees it. */
uint8_t *net_resend_take_spare(NetResend *r, size_t *cap);
/* Wipes and frees everything held. */
void net_resend_free(NetResend *r);

/* The acknowledgement frame for `count` frames (NET_CTL_FRAME bytes). */
void net_ack_frame(uint8_t out[NET_CTL_FRAME], uint64_t count);
/* Reads a control frame's payload: 0 and *count for an acknowledgement,
 * -1 for anything else. */
int net_ack_parse(const uint8_t *payload, size_t len, uint64_t *count);

/* Delay before redial attempt `attempt` (0, 1, ...): 50 ms doubling up to
 * 1 s. */
int net_backoff_ms(unsigned attempt);

#endif
