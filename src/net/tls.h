/* tls.h: the networked transport - one process per node, TCP + TLS 1.3
 * (OpenSSL 3), mutually authenticated, peers pinned by public key.
 *
 * Identity.  Every node (party or client) has a key pair and a self-signed
 * certificate (tls_keygen, roster.h).  The certificate is only a carrier: a node is
 * identified by the SHA-256 of its certificate's SubjectPublicKeyInfo (its
 * "key id"), which the session's roster lists.  Both sides of every
 * connection present a certificate; after the handshake (whose
 * CertificateVerify proves possession of the private key) the peer's key id
 * is looked up in the roster.  A connection whose key is not there, or
 * whose key belongs to a different node than the one dialled, is dropped
 * and logged with the peer's address.  There is no trust on first use and
 * no unauthenticated connection.
 *
 * Roster (roster.h, docs/network.md): one line per node; node ids are
 * parties 0..n-1 then clients n..n+k-1.
 *
 * Topology.  Parties listen on their roster address.  A party dials every
 * party with a lower id; a client dials every party; clients accept no
 * connections.  The first frame each way is a hello carrying the session
 * parameters and (between parties) the program hash; a mismatch is a fatal
 * session error naming the peer, and no MPC message travels before both
 * hellos matched.
 *
 * Frames: 4-byte big-endian length + payload (frame.h), at most
 * TRANSPORT_MAX_MESSAGE.  Each connection has a thread; a peer's received
 * but unconsumed bytes are bounded (its reader stops reading, TCP pushes
 * back), as are the bytes queued to it (send fails with TRANSPORT_ERROR).
 * A message sent to a peer that has not connected yet is queued until it
 * does.  A connection lost without a TLS close (a reset) is redialled by
 * the node that dialled it, within a reconnect window, and resumes its
 * streams without loss or duplication (reconnect.h); meanwhile messages to
 * the peer are queued.  One sent to a peer gone for good (closed, or not
 * back in time) is dropped, like a lost packet (the protocol layer
 * tolerates up to t silent parties).  A client's
 * recv returns TRANSPORT_PEERS_GONE once every party's connection has
 * ended and nothing of theirs is left to read. */
#ifndef STOFFEL_NET_TLS_H
#define STOFFEL_NET_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/roster.h"
#include "net/transport.h"

/* TlsNetConfig.spin_us by default.  A thread that sleeps in epoll_wait and
 * is woken by the next message pays for the wake-up, and on a virtual
 * machine whose idle CPUs halt (no cpuidle polling) for the CPU's too: with
 * 4 parties on 2 vCPUs (net_bench --batch 10 --rounds 0) looking again for
 * 20 us first, sched_yield between looks so a runnable party is not kept
 * waiting, took one multiplication from 0.120 to 0.106 ms at 7 % less CPU
 * (docs/benchmarks.md, "Waiting without sleeping"). */
#define TLS_SPIN_US 20                 /* also the floor bench/tcp_floor.h waits with */
#define TLS_INPUTS_DECLARED UINT32_MAX /* TlsNetConfig.inputs: whatever the client declares */

typedef struct {
    const Roster *roster; /* copied */
    uint32_t self;        /* this node's id */
    const char *key_path, *cert_path;
    /* Session parameters every node must agree on (compared as text, shown
     * in mismatch errors), and the program hash parties must agree on
     * (NULL for a client, which does not compare it). */
    const char *params;
    const char *program;
    /* Input counts for the hello's `inputs` line (hello.h): a party gives
     * the count it expects from every client (n_clients entries), a client
     * the count it will send (one entry).  NULL: not checked.  A mismatch
     * is a fatal session error at both ends, before any MPC message.
     * TLS_INPUTS_DECLARED for a client: take the count it declares
     * (tls_transport_declared_inputs; the parties then agree on them). */
    const uint32_t *inputs;
    /* Listen on this address instead of the roster's (NULL: roster). */
    const char *bind;
    bool quiet; /* no log lines on stderr */
    /* How long a lost connection may take to come back (reconnect.h) before
     * the peer counts as gone: 0 = NET_RECONNECT_MS, negative = never. */
    int reconnect_ms;
    /* How long (microseconds) a recv that finds nothing keeps looking at
     * the sockets, giving the CPU to any other runnable thread between
     * looks, before it sleeps: 0 = TLS_SPIN_US, negative = it sleeps at
     * once (TLS_SPIN_US says why it pays). */
    int spin_us;
} TlsNetConfig;

/* Creates this node's endpoint: loads key and certificate, checks they are
 * this node's roster entry, starts listening (parties) and dialling.
 * NULL with err on failure. */
Transport *tls_transport_new(const TlsNetConfig *cfg, char *err, size_t errlen);
/* Waits up to timeout_ms until every party (and, with clients, every
 * client) is connected and has sent a matching hello.  0 when they are;
 * -1 with err listing the missing peers and why, or the session mismatch. */
int tls_transport_wait_peers(Transport *t, bool clients, int timeout_ms, char *err, size_t errlen);
/* A value fresh in every run while one party is honest: the hash of every
 * party's random hello nonce (parties in id order).  The same at
 * every node once tls_transport_wait_peers succeeded; -1 if a party's
 * nonce is missing (then out is not that value). */
int tls_transport_run_nonce(Transport *t, uint8_t out[32]);
/* The input count client node `node` declared in its first hello: 0, or
 * -1 if it has not sent one (yet) or it was not a count. */
int tls_transport_declared_inputs(Transport *t, uint32_t node, uint32_t *count);
/* Testing aid: drops the connection to `node` with a TCP reset when the
 * `after`-th (> 0) batch of messages to it from now is about to be
 * written, so that batch has to go on the resumed connection. */
void tls_transport_test_reset(Transport *t, uint32_t node, unsigned after);
/* The TLS 1.3 cipher suite of the live connection to node `node` (e.g.
 * "TLS_AES_128_GCM_SHA256") into out; false if none is up. */
bool tls_transport_cipher(Transport *t, uint32_t node, char *out, size_t outlen);
/* Testing aid: messages to `node` stay queued (not written) until
 * tls_transport_free has nothing else to wait for, as if its connection
 * thread were not scheduled until the endpoint closes. */
void tls_transport_test_hold(Transport *t, uint32_t node);
/* True while node `node`'s connection is up. */
bool tls_transport_peer_up(Transport *t, uint32_t node);
/* Waits (up to linger_ms) until every peer still there has acknowledged
 * everything sent to it, resuming connections lost meanwhile; then closes
 * every connection, joins the threads and frees the endpoint. */
void tls_transport_free(Transport *t, int linger_ms);

/* A listening TCP socket on host:port (host "" or NULL = any address):
 * the descriptor, or -1 with err saying which step failed. */
int net_listen_tcp(const char *host, const char *port, char *err, size_t errlen);

#endif
