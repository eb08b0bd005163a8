/* tls_internal.h: the TLS transport's endpoint types, shared by tls.c (the
 * connections), tls_io.c (reading and writing them), tls_hello.c (the hello
 * exchanged after the handshake), tls_sock.c and tls_spare.c.  Internal to
 * src/net/. */
#ifndef STOFFEL_NET_TLS_INTERNAL_H
#define STOFFEL_NET_TLS_INTERNAL_H

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "net/frame.h"
#include "net/hello.h"
#include "net/net_util.h"
#include "net/reconnect.h"
#include "net/roster.h"
#include "net/tls.h"
#include "net/transport.h"

/* Received frames kept for reuse, at most (and only frames of at least
 * TLS_SPARE_MIN bytes: smaller ones cost malloc no page faults). */
#define TLS_SPARES 64
#define TLS_SPARE_MIN ((size_t)16 << 10)
/* tls_buffer_writes: a record is at most 16 KB; a frame of a batched
 * round is megabytes.  256 KB per write: 16 records per system call
 * (8 batched rounds of 50,000 multiplications: 18,082 writes -> 1,416;
 * docs/benchmarks.md, "Another machine"). */
#define TLS_WRITE_BUFFER (256 << 10)
/* OpenSSL's read buffer (with read-ahead): four records per read.  Not
 * more: OpenSSL moves what is left of the buffer to its front before each
 * record, so a 256 KB buffer copied about seven times the data (perf: 3.3%
 * of a batched round's CPU, more than the reads it saved). */
#define TLS_READ_BUFFER (64 << 10)
/* Shared frames (send_many) queued to one peer before they go to its
 * resend store; more are copied as by send. */
#define TLS_SHARED_QUEUE 8
/* Shared frames kept for reuse: a round's, and the one before it, whose
 * acknowledgements often come only after the next round's send_many (a
 * peer writes one behind the frame it is sending). */
#define TLS_SHARED_SPARES 2
/* The connection threads leave reading to recv while it waits, and for
 * this long after it last did (tls_io.c): a thread computing between two
 * receives is not away. */
#define TLS_ENGINE_GRACE_MS 20
/* ...unless it took a message this large: its computing will take long
 * and more such messages may be coming, which the connection threads then
 * read meanwhile, while they are still in the cache; recv then waits for
 * them as before, until a smaller message comes.  Measured, CPU per round
 * with recv reading against the connection threads: 64 KB messages 25 %
 * less, 160 KB 6 % less, 320 KB 10 % more, 3.2 MB 4 % more. */
#define TLS_ENGINE_HANDBACK ((size_t)256 << 10)
/* send_later holds back at most this many bytes per peer (tls.c); at the
 * latency benchmark's 114-byte frames, TRANSPORT_LATER_MS comes first. */
#define TLS_LATER_BYTES ((size_t)16 << 10)

/* RECONNECTING: its connection was lost and may come back within the
 * reconnect window (reconnect.h); CLAIMED: a connection's hello is in
 * progress (prev says from which state). */
enum { PEER_WAITING = 0, PEER_UP = 1, PEER_GONE = 2, PEER_RECONNECTING = 3, PEER_CLAIMED = 11 };

typedef struct {
    uint8_t *buf;
    size_t cap;
    uint64_t since; /* Net.recycled when it was given back */
} TlsSpare;

typedef struct {
    uint32_t from;
    size_t len;
    uint8_t *data;
} Msg;

typedef struct {
    pthread_mutex_t mu; /* state, out, wake_fd, why */
    int state;
    uint8_t *out; /* frames queued to this peer; a reused buffer holds old frames past out_len */
    size_t out_len, out_cap;
    size_t inflight; /* taken by the connection thread, not yet acknowledged */
    /* shared frames queued to it (send_many), all ahead of out's bytes */
    NetShared *shq[TLS_SHARED_QUEUE];
    unsigned n_shq;
    size_t shq_len;
    int wake_fd;        /* eventfd of its connection thread, -1 if none */
    char why[320];      /* last connection problem, for wait_peers */
    char addr[80];      /* peer's address, once connected */
    atomic_bool paused; /* its reader stopped: too many unconsumed bytes */
    bool has_nonce;     /* its hello's nonce (under mu) */
    uint8_t nonce[NET_HELLO_NONCE];
    bool has_declared; /* a client: the input count its first hello declared (under mu) */
    uint32_t declared;
    size_t in_bytes; /* queued in the inbound ring (under Net.mu) */
    /* Resuming after a reset (reconnect.h).  rs and the rx_ counts are
     * used by the peer's connection thread (one at a time) and by serve()
     * while the peer is claimed; out_frames, epoch, lost_* under mu. */
    NetResend rs;                 /* frames sent to it, not yet acknowledged */
    uint32_t out_frames;          /* frames in out */
    atomic_llong later_since;     /* when send_later held back the first frame in out (ms), 0: none */
    uint64_t rx_frames, rx_acked; /* data frames received from it; the count last acknowledged */
    size_t rx_unacked;            /* bytes received since the last acknowledgement */
    bool resumable;               /* its hello carried `recv` (this release) */
    unsigned epoch;               /* connections to it lost so far */
    int64_t lost_at;              /* when the last one was lost */
    char lost_why[200];           /* ...and why (the log line when it does not come back) */
    atomic_uint reset_in;         /* testing aid: reset at this many batches from now (0: off) */
    atomic_bool test_hold;        /* testing aid: queued frames stay queued until the endpoint closes */
    atomic_bool stale;            /* it dialled again: its current connection is dead on its side */
    /* The live connection's SSL object and write state.  Its connection
     * thread holds io except while it polls, so send may write to an idle
     * connection itself (no wake-up of that thread); an SSL object is
     * never used by two threads at once.  Lock order: io, then mu. */
    pthread_mutex_t io;
    SSL *ssl;                   /* NULL when no connection runs */
    BIO *wbuf;                  /* its write buffer (tls_buffer_writes), NULL without one */
    int fd;                     /* its socket */
    uint8_t ctl[NET_CTL_FRAME]; /* an acknowledgement being written */
    size_t ctl_len, ctl_off;
    bool retry;           /* an SSL_write must be repeated with the same bytes */
    bool ack_due;         /* an acknowledgement is to be written */
    int io_end;           /* IO_*: a write by send or a read by recv ended the connection (its thread ends it) */
    char io_why[160];     /* ...and why */
    NetFrameDecoder *dec; /* the live connection's reader (under io) */
    uint8_t *rbuf;        /* ...and its read buffer (TLS_READ_CHUNK) */
    /* recv reads the sockets while it waits (tls_io.c, "engine mode") */
    bool in_ep;            /* the socket is in the endpoint's epoll set (under io) */
    atomic_bool sock_mode; /* its thread reads for itself (it polls the socket) */
    atomic_bool eng_mode;  /* its thread leaves reading to recv */
    atomic_bool napping;   /* its thread sleeps long: recv wakes it when it reads frames to acknowledge */
    atomic_bool eng_read;  /* recv read frames from it since its thread last looked */
} Peer;

typedef struct {
    Transport tr;
    Roster roster;
    SSL_CTX *ctx;
    char self_name[32];
    char params[1024];
    char program[200];
    uint8_t nonce[NET_HELLO_NONCE]; /* ours, fresh per endpoint (tls_transport_run_nonce) */
    uint32_t *inputs;               /* TlsNetConfig.inputs, copied; NULL = not checked */
    char inputs_hash[33];           /* a party's: hex hash of every client's count */
    atomic_uint parties_gone;       /* party connections that ended (each ends once) */
    bool is_party, quiet;
    int listen_fd;
    atomic_bool stop;
    int64_t linger_until; /* ms deadline for flushing at close */
    int reconnect_ms;     /* reconnect window (0: never) */
    int spin_us;          /* recv's look before it sleeps (0: none) */
    int test_hold_ms;     /* testing aid: wait this long before the first redial */

    pthread_mutex_t mu; /* inbound ring, threads, fatal */
    pthread_cond_t cv;  /* inbound message / thread exit / peer up */
    Msg *ring;
    size_t cap, head, count;
    bool closed;
    /* recv's own reading (tls_io.c): the live connections' sockets and
     * ev_fd in one epoll set; -1 when not available */
    int epfd, ev_fd;
    bool eng_busy;           /* a recv reads (one at a time; under mu) */
    bool eng_big;            /* the last message taken was large: recv leaves reading to them (under mu) */
    int cv_waiters;          /* recv calls waiting on cv meanwhile (under mu) */
    atomic_bool eng_polling; /* it waits in epoll: a queued message writes ev_fd */
    atomic_bool eng_in;      /* it is in recv's wait */
    atomic_llong eng_left;   /* when it last left it (ms) */
    atomic_bool eng_off;     /* closing: the connection threads read for themselves */
    int threads;             /* live helper threads */
    int handshakes;          /* inbound handshakes in progress */
    struct {
        char host[64];
        unsigned count;
    } hs[TLS_MAX_PENDING_HANDSHAKES]; /* ...by source address */
    NetLogLimit rejects;              /* log of rejected connections */
    char fatal[2400];                 /* first session mismatch */

    /* received frames given back (tls_recycle), reused by the readers for
     * frames of a similar size (under mu); recycled counts them, so the
     * one given back longest ago is known */
    TlsSpare spare[TLS_SPARES];
    unsigned n_spare;
    uint64_t recycled;
    /* the buffers of shared frames every peer let go of, for the next
     * send_many (sh_mu; old frames in them, wiped when freed) */
    pthread_mutex_t sh_mu;
    NetShared *sh_spare[TLS_SHARED_SPARES];
    unsigned n_sh_spare;

    Peer *peers;
} Net;

/* Parties and clients of the roster: the endpoint's nodes. */
static inline uint32_t tls_nodes(const Net *n) { return n->roster.n_parties + n->roster.n_clients; }

/* Before an SSL_read/SSL_write whose SSL_get_error is read: the error
 * queue must be empty.  Clearing it walks all its slots; it is almost
 * always empty already, and this runs once per record. */
static inline void tls_clear_errors(void)
{
    if (ERR_peek_error() != 0) ERR_clear_error();
}

static inline const char *tls_ssl_reason(void)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    return r ? r : "unknown TLS error";
}

/* Logs to stderr with the node's name (nothing when quiet). */
void net_log(Net *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The hello to node `peer` into out; its length, 0 if it does not fit. */
size_t tls_make_hello(Net *n, uint32_t peer, char *out, size_t outlen);

/* Checks the peer's hello; 0 if it matches.  A mismatch is fatal for the
 * session (logged, recorded for wait_peers).  resuming: the peer's
 * connection was lost and this one is to continue its stream. */
int tls_check_hello(Net *n, uint32_t peer, const char *who, uint8_t *frame, size_t len, bool resuming);

/* tls_sock.c.  Socket options of every connection (no Nagle, non-blocking). */
void tls_set_socket_options(int fd);
/* "host:port" of an address, for the log. */
void tls_addr_text(const struct sockaddr *sa, char *out, size_t outlen);
/* The TLS handshake, then blocking writes and a one-frame read for the
 * hello, each before a deadline (ms, net_now_ms) or the endpoint's stop;
 * 0 on success. */
int tls_handshake(Net *n, SSL *ssl, int fd, bool server, int64_t deadline);
int tls_write_all(Net *n, SSL *ssl, int fd, const uint8_t *b, size_t len, int64_t deadline);
int tls_read_frame(Net *n, SSL *ssl, int fd, NetFrameDecoder *d, uint8_t **frame, size_t *flen, int64_t deadline);
/* Connects to a roster node: the socket, or -1 with why; addr gets the
 * address tried last. */
int tls_tcp_connect(Net *n, const RosterNode *rn, char *addr, size_t addrlen, char *why, size_t whylen);

/* tls_spare.c.  The decoder's take (frame.h): a recycled frame for len
 * bytes, or NULL. */
uint8_t *tls_take_spare(void *ctx, size_t len, size_t *cap);
/* TransportOps.recycle: keeps a received message for a later frame. */
void tls_recycle(Transport *t, uint8_t *msg, size_t len);
/* TransportOps.discard: wipes a received message, then keeps it as recycle does. */
void tls_discard(Transport *t, uint8_t *msg, size_t len);
/* A shared frame (header and msg) for send_many, refs set to `refs`:
 * the kept one if it fits, else a fresh one; NULL when out of memory. */
NetShared *tls_shared_new(Net *n, const uint8_t *msg, size_t len, unsigned refs);
/* Wipes and frees the kept shared frames (at close). */
void tls_shared_free_spare(Net *n);
/* Moves an acknowledged batch's kept buffer into the peer's queue (p->mu
 * held); at most one idle buffer per peer. */
void tls_settle_spare(Peer *p);

/* tls_io.c.  Reading and writing a live connection, by its thread or by
 * the thread in send / recv. */
enum { WR_DONE = 0, WR_BLOCKED = 1, WR_LOST = -1 };
enum { IO_OK = 0, IO_LOST = 1, IO_FATAL = 2, IO_CLEAN = 3 };
/* Writes 1 to an eventfd (-1: none). */
void tls_wake(int fd);
/* Wakes the peer's connection thread (takes p->mu). */
void tls_peer_wake(Peer *p);
/* Tells waiting receivers that the inbound queue or the endpoint changed
 * (n->mu held). */
void tls_signal_in(Net *n);
/* Queues a received message (takes data).  Blocks nobody: the per-peer
 * bound is enforced by the reader pausing. */
int tls_push_in(Net *n, uint32_t from, uint8_t *data, size_t len);
/* Moves the peer's queued frames into its resend store, where they stay
 * until acknowledged (reconnect.h); a peer that does not acknowledge (no
 * `recv` in its hello) has what was written dropped at once.  -1: no
 * memory. */
int tls_take_queued(Peer *p);
/* Reads what the connection has (p->io held, p->ssl live): frames go to
 * the inbound queue, acknowledgements to the resend store.  Stops when
 * OpenSSL needs more from the socket, when a frame ended the data and
 * nothing is buffered, or when the peer is paused.  IO_OK, or how the
 * connection ended (p->io_why says why). */
int tls_read_in(Net *n, uint32_t id, bool *want_write);
/* Writes the peer's pending frames, and an acknowledgement when due (only
 * between batches: never inside a frame, never while a write must be
 * repeated), until everything is written or the socket takes no more
 * (p->io held, p->ssl live).  WR_LOST: p->io_why says why. */
int tls_write_out(Peer *p, bool *want_write, bool *want_read_for_write);
/* Puts a write buffer of TLS_WRITE_BUFFER bytes between the live
 * connection's SSL object and its socket (p->io held, p->ssl live), so the
 * socket gets one write per TLS_WRITE_BUFFER bytes instead of one per
 * 16 KB record; tls_write_out flushes it when nothing else is pending.
 * It holds only ciphertext.  Without memory the connection writes
 * unbuffered. */
void tls_buffer_writes(Peer *p);
/* Bytes in the write buffer, not yet handed to the socket (p->io held). */
size_t tls_buffered(const Peer *p);
/* send's part: if the peer's connection is idle (its thread polls), the
 * sending thread writes the frames just queued itself, which saves a
 * wake-up of the connection thread per message.  True when all was
 * written; false (wake the connection thread) when the connection is busy,
 * not up, or the socket took only part. */
bool tls_write_from_send(Peer *p);
/* The endpoint's epoll set and eventfd; -1 (recv then only waits for the
 * connection threads) when they cannot be made. */
int tls_engine_init(Net *n);
void tls_engine_free(Net *n);
/* A connection's socket enters / leaves the epoll set (p->io held). */
void tls_engine_join(Net *n, uint32_t id, int fd);
void tls_engine_leave(Net *n, Peer *p);
/* The connection thread's choice before it reads or sleeps (p->io held):
 * true when recv reads for it (it waits now or did a moment ago). */
bool tls_engine_mode(Net *n, Peer *p);
/* recv took a large message (TLS_ENGINE_HANDBACK): the connection threads
 * read for themselves until it waits again. */
void tls_engine_handback(Net *n);
/* Closing: the connection threads read for themselves from now on. */
void tls_engine_off(Net *n);
/* recv's wait for at most ms (negative: no limit), reading the sockets
 * that have data meanwhile (n->mu held on entry and on return, released
 * meanwhile; n->epfd >= 0, no other recv reading). */
void tls_engine_wait(Net *n, int ms);

#endif
