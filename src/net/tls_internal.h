/* tls_internal.h: the TLS transport's endpoint types, shared by tls.c (the
 * connections) and tls_hello.c (the hello exchanged after the handshake).
 * Internal to src/net/. */
#ifndef STOFFEL_NET_TLS_INTERNAL_H
#define STOFFEL_NET_TLS_INTERNAL_H

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
/* Shared frames (send_many) queued to one peer before they go to its
 * resend store; more are copied as by send. */
#define TLS_SHARED_QUEUE 8

/* RECONNECTING: its connection was lost and may come back within the
 * reconnect window (reconnect.h); CLAIMED: a connection's hello is in
 * progress (prev says from which state). */
enum { PEER_WAITING = 0, PEER_UP = 1, PEER_GONE = 2, PEER_RECONNECTING = 3, PEER_CLAIMED = 11 };

typedef struct {
    uint8_t *buf;
    size_t cap;
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
    int fd;                     /* its socket */
    uint8_t ctl[NET_CTL_FRAME]; /* an acknowledgement being written */
    size_t ctl_len, ctl_off;
    bool retry;       /* an SSL_write must be repeated with the same bytes */
    bool ack_due;     /* an acknowledgement is to be written */
    bool io_lost;     /* a write by send failed: the connection thread ends the connection */
    char io_why[160]; /* ...and why */
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
    int test_hold_ms;     /* testing aid: wait this long before the first redial */

    pthread_mutex_t mu; /* inbound ring, threads, fatal */
    pthread_cond_t cv;  /* inbound message / thread exit / peer up */
    Msg *ring;
    size_t cap, head, count;
    bool closed;
    int threads;    /* live helper threads */
    int handshakes; /* inbound handshakes in progress */
    struct {
        char host[64];
        unsigned count;
    } hs[TLS_MAX_PENDING_HANDSHAKES]; /* ...by source address */
    NetLogLimit rejects;              /* log of rejected connections */
    char fatal[2400];                 /* first session mismatch */

    /* received frames given back (tls_recycle), reused by the readers for
     * frames of a similar size (under mu; oldest first) */
    TlsSpare spare[TLS_SPARES];
    unsigned n_spare;
    /* the buffer of a shared frame every peer let go of, for the next
     * send_many (sh_mu; old frames in it, wiped when freed) */
    pthread_mutex_t sh_mu;
    NetShared *sh_spare;

    Peer *peers;
} Net;

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
/* A shared frame (header and msg) for send_many, refs set to `refs`:
 * the kept one if it fits, else a fresh one; NULL when out of memory. */
NetShared *tls_shared_new(Net *n, const uint8_t *msg, size_t len, unsigned refs);
/* Wipes and frees the kept shared frame (at close). */
void tls_shared_free_spare(Net *n);
/* Moves an acknowledged batch's kept buffer into the peer's queue (p->mu
 * held); at most one idle buffer per peer. */
void tls_settle_spare(Peer *p);

#endif
