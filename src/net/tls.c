/* tls.c: the TLS 1.3 transport (tls.h); the roster and keys are in roster.c.
 *
 * Threads: an acceptor (parties only) and one thread per connection, which
 * does the TLS handshake, pins the peer's key against the roster, exchanges
 * the hello and then moves frames both ways over a non-blocking socket:
 * received frames go into the endpoint's single inbound queue (what recv
 * takes from), and the peer's outbound buffer, filled by send, is written
 * out.  A dialler thread per lower party (and per party, for a client)
 * retries until it is connected or the endpoint closes.  An SSL object is
 * used under its peer's io lock, which the connection thread holds except
 * while it polls: send then writes to an idle connection itself (one
 * thread hop less per message), recv reads the sockets itself while it
 * waits (the other hop; tls_io.c), and no SSL object is ever used by two
 * threads at once. */
#include "net/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net/frame.h"
#include "net/hello.h"
#include "net/identity.h"
#include "net/net_util.h"
#include "net/reconnect.h"
#include "net/tls_internal.h"

/* Received and not yet consumed, per peer: queued messages plus the frame
 * being assembled stay below this.  The reader pauses once the queued
 * messages reach TLS_PEER_IN_LIMIT - TRANSPORT_MAX_MESSAGE, and the frame in
 * progress grows only as its bytes arrive (frame.h), up to
 * TRANSPORT_MAX_MESSAGE. */

/* ---- small helpers ----------------------------------------------------------- */

/* ---- the endpoint ------------------------------------------------------------------- */

/* The endpoint's types (Net, Peer, Msg) are in tls_internal.h. */

void net_log(Net *n, const char *fmt, ...)
{
    if (n->quiet) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "stoffel-net [%s]: %s\n", n->self_name, buf);
}

/* Logs a rejected unauthenticated connection, rate-limited (NET_LOG_BURST
 * a second) so a flood of them cannot flood the log. */
static void reject_log(Net *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reject_log(Net *n, const char *fmt, ...)
{
    unsigned dropped = 0;
    pthread_mutex_lock(&n->mu);
    bool ok = net_log_allow(&n->rejects, &dropped);
    pthread_mutex_unlock(&n->mu);
    if (!ok) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (dropped) net_log(n, "(%u more rejected connections not logged)", dropped);
    net_log(n, "%s", buf);
}

/* Takes a handshake slot for a connection from host (n->mu held): false
 * when every slot, or this address's share of them, is taken. */
static bool hs_take(Net *n, const char *host)
{
    if (n->handshakes >= TLS_MAX_PENDING_HANDSHAKES) return false;
    int free_i = -1;
    for (int i = 0; i < TLS_MAX_PENDING_HANDSHAKES; i++) {
        if (n->hs[i].count && strcmp(n->hs[i].host, host) == 0) {
            if (n->hs[i].count >= TLS_HANDSHAKES_PER_HOST) return false;
            n->hs[i].count++;
            n->handshakes++;
            return true;
        }
        if (!n->hs[i].count && free_i < 0) free_i = i;
    }
    if (free_i < 0) return false;
    snprintf(n->hs[free_i].host, sizeof n->hs[free_i].host, "%s", host);
    n->hs[free_i].count = 1;
    n->handshakes++;
    return true;
}

static void hs_release(Net *n, const char *host)
{
    pthread_mutex_lock(&n->mu);
    for (int i = 0; i < TLS_MAX_PENDING_HANDSHAKES; i++)
        if (n->hs[i].count && strcmp(n->hs[i].host, host) == 0) {
            n->hs[i].count--;
            break;
        }
    n->handshakes--;
    pthread_mutex_unlock(&n->mu);
}

static void peer_why(Net *n, uint32_t id, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void peer_why(Net *n, uint32_t id, const char *fmt, ...)
{
    Peer *p = &n->peers[id];
    pthread_mutex_lock(&p->mu);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->why, sizeof p->why, fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&p->mu);
}

/* Last act of every helper thread: OpenSSL's per-thread state is freed
 * here, not by a thread-exit destructor that could run after the process
 * already left (a leak report under LeakSanitizer). */
static void thread_exit(Net *n)
{
    OPENSSL_thread_stop();
    pthread_mutex_lock(&n->mu);
    n->threads--;
    pthread_cond_broadcast(&n->cv);
    pthread_mutex_unlock(&n->mu);
}

/* (socket options, listening, dialling, handshake and hello I/O: tls_sock.c) */

/* ---- one connection ----------------------------------------------------------------- */

/* Lets go of the shared frames queued to a peer (p->mu held). */
static void drop_shared_queue(Peer *p)
{
    for (unsigned i = 0; i < p->n_shq; i++) net_shared_put(p->shq[i]);
    p->n_shq = 0;
    p->shq_len = 0;
}

/* Drops everything held for a peer that is gone for good (under p->mu):
 * queued and unacknowledged frames may be dealt shares. */
static void peer_drop_held(Peer *p)
{
    p->state = PEER_GONE;
    p->wake_fd = -1;
    net_wipe_free(p->out, p->out_cap);
    p->out = NULL;
    p->out_len = p->out_cap = p->inflight = 0;
    p->out_frames = 0;
    drop_shared_queue(p);
    net_resend_free(&p->rs);
}

/* A party's connection ended for good: a client's recv stops waiting once
 * every party is gone. */
static void party_gone(Net *n, uint32_t id)
{
    if (id >= n->roster.n_parties) return;
    pthread_mutex_lock(&n->mu);
    atomic_fetch_add(&n->parties_gone, 1);
    tls_signal_in(n);
    pthread_mutex_unlock(&n->mu);
}

/* The reconnect window of the loss numbered `epoch` ended without the
 * peer coming back: it is gone, with today's log line naming it. */
static void give_up(Net *n, uint32_t id, unsigned epoch)
{
    Peer *p = &n->peers[id];
    char why[sizeof p->lost_why], addr[sizeof p->addr];
    pthread_mutex_lock(&p->mu);
    bool mine = p->state == PEER_RECONNECTING && p->epoch == epoch;
    if (mine) {
        peer_drop_held(p);
        snprintf(why, sizeof why, "%s", p->lost_why);
        snprintf(addr, sizeof addr, "%s", p->addr);
        snprintf(p->why, sizeof p->why, "%s", why);
    }
    pthread_mutex_unlock(&p->mu);
    if (!mine) return;
    party_gone(n, id);
    if (!atomic_load(&n->stop)) {
        char name[32];
        roster_node_name(&n->roster, id, name, sizeof name);
        net_log(n, "%s (%s): %s (not back within %d ms)", name, addr, why, n->reconnect_ms);
    }
}

/* Moves frames both ways until the peer leaves or the endpoint closes.
 * Returns true if the connection was lost in a way it may come back from
 * (reconnect.h); the peer is then PEER_RECONNECTING, else PEER_GONE.
 * Holds p->io except while it polls.  While recv waits it reads the
 * socket itself (tls_io.c): this thread then only writes what send left,
 * acknowledges on its idle ticks and watches for the end. */
static bool conn_loop(Net *n, uint32_t id, SSL *ssl, int fd, int evfd, NetFrameDecoder *dec)
{
    Peer *p = &n->peers[id];
    uint8_t *rbuf = malloc(TLS_READ_CHUNK);
    bool want_read_for_write = false, want_write = false, clean = false, lost = false;
    bool must_read = true; /* the hello's read may have left records in OpenSSL's buffer */
    const char *why = NULL;
    char whybuf[160];
    pthread_mutex_lock(&p->io);
    p->ssl = ssl;
    p->fd = fd;
    p->dec = dec;
    tls_buffer_writes(p);
    p->rbuf = rbuf;
    p->ctl_len = p->ctl_off = 0;
    p->retry = p->ack_due = false;
    p->io_end = IO_OK;
    if (!rbuf) {
        why = "out of memory";
        goto done;
    }
    tls_engine_join(n, id, fd);
    for (;;) {
        bool stopping = atomic_load(&n->stop);
        const uint8_t *wp;
        size_t wl;
        if (p->io_end != IO_OK) { /* a write by send or a read by recv ended it */
            clean = p->io_end == IO_CLEAN;
            lost = p->io_end == IO_LOST;
            snprintf(whybuf, sizeof whybuf, "%s", p->io_why);
            why = clean ? NULL : whybuf;
            goto done;
        }
        if (atomic_exchange(&p->stale, false) && !stopping) {
            why = "connection lost (it dialled again)";
            lost = true;
            goto done;
        }
        bool pending = p->ctl_off < p->ctl_len || net_resend_pending(&p->rs, &wp, &wl) || tls_buffered(p);
        if (!pending) {
            if (tls_take_queued(p) != 0) {
                why = "out of memory";
                goto done;
            }
            pending = net_resend_pending(&p->rs, &wp, &wl) || (p->ack_due && p->resumable);
        }
        if (stopping && (!pending || net_now_ms() > n->linger_until)) {
            clean = true;
            break;
        }
        int wr = tls_write_out(p, &want_write, &want_read_for_write);
        if (wr == WR_LOST) {
            p->io_end = IO_LOST;
            continue;
        }
        /* read, unless the peer is paused or recv reads (then only what OpenSSL holds) */
        bool paused = atomic_load(&p->paused), eng = tls_engine_mode(n, p);
        bool reads = !paused && (!eng || must_read || SSL_has_pending(ssl));
        must_read = false;
        if ((reads || want_read_for_write) && (p->io_end = tls_read_in(n, id, &want_write)) != IO_OK) continue;
        /* more to write right away? */
        if (p->ctl_off >= p->ctl_len && !net_resend_pending(&p->rs, &wp, &wl) && !tls_buffered(p)) {
            pthread_mutex_lock(&p->mu);
            bool more = (p->out_len > 0 || p->n_shq > 0) && !atomic_load(&p->test_hold);
            pthread_mutex_unlock(&p->mu);
            if (more || (p->ack_due && !p->retry)) continue;
        } else if (!want_write && !want_read_for_write) {
            continue;
        }
        struct pollfd pf[2] = { { fd, 0, 0 }, { evfd, POLLIN, 0 } };
        /* in engine mode the socket's data (also the rest of a record
         * OpenSSL holds part of) is recv's: polling it too would wake both */
        if ((!eng && !atomic_load(&p->paused)) || want_read_for_write) pf[0].events |= POLLIN;
        if (want_write) pf[0].events |= POLLOUT;
        if (!pf[0].events) pf[0].fd = -1; /* recv reads it, and sees its end */
        /* acknowledge after NET_ACK_IDLE_MS without a new frame; while recv
         * reads, frames come without waking this thread, so it ticks at
         * that pace as long as they come (under io) */
        bool ticking = (p->resumable && p->rx_frames != p->rx_acked) || atomic_exchange(&p->eng_read, false);
        int idle_ms = ticking ? NET_ACK_IDLE_MS : 200;
        atomic_store(&p->napping, !ticking && p->resumable && eng);
        pthread_mutex_unlock(&p->io); /* send may write meanwhile, recv read */
        int pr = poll(pf, 2, idle_ms);
        pthread_mutex_lock(&p->io);
        atomic_store(&p->napping, false);
        if (pr == 0 && p->rx_frames != p->rx_acked) p->ack_due = p->resumable; /* idle: acknowledge the rest */
        if (pr > 0 && (pf[1].revents & POLLIN)) {
            uint64_t x;
            ssize_t rr = read(evfd, &x, sizeof x);
            (void)rr;
        }
    }
done:
    tls_engine_leave(n, p);
    p->ssl = NULL;
    p->wbuf = NULL;
    p->dec = NULL;
    p->rbuf = NULL;
    pthread_mutex_unlock(&p->io);
    if (clean && !why) {
        /* orderly close: close_notify, then a short drain so unread data
         * does not turn our close into a reset */
        ERR_clear_error();
        SSL_shutdown(ssl);
        (void)BIO_flush(SSL_get_wbio(ssl)); /* the close_notify may sit in the write buffer */
        shutdown(fd, SHUT_WR);
        int64_t until = net_now_ms() + 200;
        char sink[4096];
        while (net_now_ms() < until) {
            struct pollfd pf = { fd, POLLIN, 0 };
            if (poll(&pf, 1, 50) > 0 && recv(fd, sink, sizeof sink, 0) <= 0) break;
        }
    }
    bool resume = lost && !clean && p->resumable && n->reconnect_ms > 0 && !atomic_load(&n->stop);
    pthread_mutex_lock(&p->mu);
    if (resume) {
        /* keep what is queued and unacknowledged: it goes out again on
         * the next connection */
        p->state = PEER_RECONNECTING;
        p->wake_fd = -1;
        p->epoch++;
        p->lost_at = net_now_ms();
        snprintf(p->lost_why, sizeof p->lost_why, "%s", why);
        snprintf(p->why, sizeof p->why, "%s; reconnecting", why);
        p->inflight = p->rs.bytes;
    } else {
        peer_drop_held(p);
        if (why) snprintf(p->why, sizeof p->why, "%s", why);
    }
    pthread_mutex_unlock(&p->mu);
    if (!resume) party_gone(n, id);
    if (why && !atomic_load(&n->stop)) {
        char name[32];
        roster_node_name(&n->roster, id, name, sizeof name);
        if (resume)
            net_log(n, "%s (%s): %s; reconnecting (up to %d ms)", name, p->addr, why, n->reconnect_ms);
        else
            net_log(n, "%s (%s): %s", name, p->addr, why);
    }
    net_wipe_free(rbuf, TLS_READ_CHUNK);
    return resume;
}

/* For the log line of a refused key: which node we dialled, or which
 * nodes are reconnecting (each may come back only with its pinned key). */
static void refusal_hint(Net *n, int64_t expect, char *out, size_t outlen)
{
    char name[32], hex[2 * NET_KEY_ID_LEN + 1];
    out[0] = 0;
    if (expect >= 0) {
        roster_node_name(&n->roster, (uint32_t)expect, name, sizeof name);
        net_hex(n->roster.nodes[expect].key_id, NET_KEY_ID_LEN, hex);
        snprintf(out, outlen, " (we dialled %s, pinned key %.16s...)", name, hex);
        return;
    }
    size_t k = 0;
    for (uint32_t i = 0; i < tls_nodes(n) && k + 1 < outlen; i++) {
        Peer *p = &n->peers[i];
        pthread_mutex_lock(&p->mu);
        bool rec = p->state == PEER_RECONNECTING;
        pthread_mutex_unlock(&p->mu);
        if (!rec) continue;
        roster_node_name(&n->roster, i, name, sizeof name);
        net_hex(n->roster.nodes[i].key_id, NET_KEY_ID_LEN, hex);
        int w =
            snprintf(out + k, outlen - k, "; %s is reconnecting and must present its pinned key %.16s...", name, hex);
        if (w < 0) break;
        k += (size_t)w;
    }
}

/* After a handshake: pin the key, exchange hellos, run the connection.
 * Returns true if the connection ran and was lost in a way it may come
 * back from; *lost_id and *epoch then name that loss. */
static bool serve(Net *n, SSL *ssl, int fd, const char *addr, int64_t expect, int64_t deadline, uint32_t *lost_id,
                  unsigned *epoch)
{
    uint8_t kid[NET_KEY_ID_LEN];
    char hex[2 * NET_KEY_ID_LEN + 1], who[128];
    X509 *cert = SSL_get0_peer_certificate(ssl);
    if (!cert || net_key_id_of_cert(cert, kid) != 0) {
        net_log(n, "connection with %s rejected: no usable certificate", addr);
        return false;
    }
    net_hex(kid, sizeof kid, hex);
    int64_t id = roster_find_key(&n->roster, kid);
    if (id < 0) {
        char hint[400];
        refusal_hint(n, expect, hint, sizeof hint);
        reject_log(n, "connection with %s rejected: its key %s is not in the roster%s", addr, hex, hint);
        if (expect >= 0) peer_why(n, (uint32_t)expect, "%s presented key %.16s..., not in the roster", addr, hex);
        return false;
    }
    char name[32];
    roster_node_name(&n->roster, (uint32_t)id, name, sizeof name);
    snprintf(who, sizeof who, "%s (%s)", name, addr);
    if (expect >= 0 && id != expect) {
        char ename[32];
        roster_node_name(&n->roster, (uint32_t)expect, ename, sizeof ename);
        net_log(n, "connection with %s rejected: it presented the key of %s, expected %s", addr, name, ename);
        peer_why(n, (uint32_t)expect, "%s presented the key of %s", addr, name);
        return false;
    }
    if ((uint32_t)id == n->tr.self) {
        net_log(n, "connection with %s rejected: it presented our own key", addr);
        return false;
    }
    /* inbound: only a higher party or a client dials us */
    if (expect < 0 && id < (int64_t)n->roster.n_parties && (uint32_t)id <= n->tr.self) {
        net_log(n, "connection from %s rejected: %s should not dial us", addr, name);
        return false;
    }
    Peer *p = &n->peers[id];
    int evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (evfd < 0) return false;
    pthread_mutex_lock(&p->mu);
    int prev = p->state;
    bool busy = prev != PEER_WAITING && prev != PEER_RECONNECTING;
    char old_addr[sizeof p->addr];
    snprintf(old_addr, sizeof old_addr, "%s", p->addr);
    if (!busy) {
        p->state = PEER_CLAIMED; /* hello in progress */
        snprintf(p->addr, sizeof p->addr, "%s", addr);
    }
    pthread_mutex_unlock(&p->mu);
    if (busy && expect < 0 && prev == PEER_UP && p->resumable) {
        /* the node that dialled us dials again (with its pinned key): it
         * lost the connection we still hold (half-open).  Drop ours, so its
         * next attempt resumes. */
        atomic_store(&p->stale, true);
        tls_peer_wake(p);
        net_log(n, "connection from %s: %s dials again, so its connection we hold is dead; it may resume", addr, name);
        close(evfd);
        return false;
    }
    if (busy) {
        net_log(n, "connection from %s rejected: %s is already connected or gone", addr, name);
        close(evfd);
        return false;
    }
    char hello[NET_HELLO_MAX];
    size_t hl = tls_make_hello(n, (uint32_t)id, hello, sizeof hello);
    uint8_t hdr[4];
    net_frame_header(hdr, (uint32_t)hl);
    NetFrameDecoder dec;
    net_frame_init(&dec, NET_HELLO_MAX);
    uint8_t *frame = NULL;
    size_t flen = 0;
    bool ok = hl && tls_write_all(n, ssl, fd, hdr, 4, deadline) == 0 &&
              tls_write_all(n, ssl, fd, (const uint8_t *)hello, hl, deadline) == 0;
    if (!ok) {
        peer_why(n, (uint32_t)id, "%s: sending the hello failed", addr);
    } else if (tls_read_frame(n, ssl, fd, &dec, &frame, &flen, deadline) != 0) {
        ok = false;
        peer_why(n, (uint32_t)id, "%s: no valid hello within %d ms", addr, TLS_HANDSHAKE_MS);
    } else if (tls_check_hello(n, (uint32_t)id, who, frame, flen, prev == PEER_RECONNECTING) != 0) {
        ok = false;
        peer_why(n, (uint32_t)id, "%s: hello mismatch", addr);
    }
    free(frame);
    net_frame_free(&dec);
    pthread_mutex_lock(&p->mu);
    if (!ok) {
        p->state = prev;
        if (prev == PEER_RECONNECTING) snprintf(p->addr, sizeof p->addr, "%s", old_addr);
    } else {
        p->state = PEER_UP;
        atomic_store(&p->stale, false);
        p->wake_fd = evfd;
        p->why[0] = 0;
    }
    pthread_mutex_unlock(&p->mu);
    if (ok) {
        pthread_mutex_lock(&n->mu);
        pthread_cond_broadcast(&n->cv); /* wait_peers */
        pthread_mutex_unlock(&n->mu);
        NetFrameDecoder d2;
        net_frame_init(&d2, TRANSPORT_MAX_MESSAGE);
        d2.control_ok = p->resumable;
        d2.take = tls_take_spare;
        d2.take_ctx = n;
        bool resume = conn_loop(n, (uint32_t)id, ssl, fd, evfd, &d2);
        net_frame_free(&d2);
        close(evfd);
        if (resume) {
            pthread_mutex_lock(&p->mu);
            *epoch = p->epoch;
            pthread_mutex_unlock(&p->mu);
            *lost_id = (uint32_t)id;
        }
        return resume;
    }
    close(evfd);
    return false;
}

/* An accepting node's side of a lost connection: the peer redials (it
 * dialled before); if it is not back within the window it is gone. */
static void await_redial(Net *n, uint32_t id, unsigned epoch)
{
    Peer *p = &n->peers[id];
    while (!atomic_load(&n->stop)) {
        pthread_mutex_lock(&p->mu);
        /* back (a later loss has its own waiter), or gone */
        bool over = p->epoch != epoch || p->state == PEER_UP || p->state == PEER_GONE;
        bool still = p->state == PEER_RECONNECTING; /* not in the middle of a hello */
        int64_t left = p->lost_at + n->reconnect_ms - net_now_ms();
        pthread_mutex_unlock(&p->mu);
        if (over) return;
        if (still && left <= 0) {
            give_up(n, id, epoch);
            return;
        }
        usleep(50 * 1000);
    }
}

/* ---- inbound connections ---------------------------------------------------------- */

typedef struct {
    Net *n;
    int fd;
    char addr[80], host[64];
} Inbound;

/* An inbound connection holds a handshake slot only until its certificate
 * is in (TLS_CERT_MS at most); the hello then gets the rest of TLS_HANDSHAKE_MS. */
static void *inbound_thread(void *arg)
{
    Inbound *in = arg;
    Net *n = in->n;
    SSL *ssl = SSL_new(n->ctx);
    int64_t start = net_now_ms();
    bool shaken = ssl && SSL_set_fd(ssl, in->fd) == 1 && tls_handshake(n, ssl, in->fd, true, start + TLS_CERT_MS) == 0;
    hs_release(n, in->host);
    uint32_t lost = 0;
    unsigned epoch = 0;
    bool resume = false;
    if (shaken)
        resume = serve(n, ssl, in->fd, in->addr, -1, start + TLS_HANDSHAKE_MS, &lost, &epoch);
    else if (ssl && !atomic_load(&n->stop))
        reject_log(n, "connection from %s rejected: TLS handshake failed or not done within %d ms (%s)", in->addr,
                   TLS_CERT_MS, tls_ssl_reason());
    SSL_free(ssl);
    close(in->fd);
    free(in);
    if (resume) await_redial(n, lost, epoch);
    ERR_clear_error();
    thread_exit(n);
    return NULL;
}

static bool spawn(Net *n, void *(*fn)(void *), void *arg)
{
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_mutex_lock(&n->mu);
    n->threads++;
    pthread_mutex_unlock(&n->mu);
    pthread_t th;
    int e = pthread_create(&th, &at, fn, arg);
    pthread_attr_destroy(&at);
    if (e) {
        thread_exit(n);
        return false;
    }
    return true;
}

static void *accept_thread(void *arg)
{
    Net *n = arg;
    while (!atomic_load(&n->stop)) {
        struct pollfd p = { n->listen_fd, POLLIN, 0 };
        if (poll(&p, 1, 200) <= 0) continue;
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd = accept(n->listen_fd, (struct sockaddr *)&ss, &sl);
        if (fd < 0) continue;
        char addr[80], host[64];
        tls_addr_text((struct sockaddr *)&ss, addr, sizeof addr);
        net_addr_host((struct sockaddr *)&ss, host, sizeof host);
        pthread_mutex_lock(&n->mu);
        bool got = hs_take(n, host);
        pthread_mutex_unlock(&n->mu);
        Inbound *in = got ? malloc(sizeof *in) : NULL;
        if (!in) {
            if (got) hs_release(n, host);
            reject_log(n, "connection from %s dropped: too many handshakes in progress%s", addr,
                       got ? "" : " (from its address, or in all)");
            close(fd);
            continue;
        }
        tls_set_socket_options(fd);
        in->n = n;
        in->fd = fd;
        snprintf(in->addr, sizeof in->addr, "%s", addr);
        snprintf(in->host, sizeof in->host, "%s", host);
        if (!spawn(n, inbound_thread, in)) {
            close(fd);
            free(in);
            hs_release(n, host);
        }
    }
    thread_exit(n);
    return NULL;
}

/* ---- outbound connections --------------------------------------------------------- */

typedef struct {
    Net *n;
    uint32_t peer;
} Dial;

static void *dial_thread(void *arg)
{
    Dial *d = arg;
    Net *n = d->n;
    uint32_t id = d->peer;
    free(d);
    const RosterNode *rn = &n->roster.nodes[id];
    Peer *p = &n->peers[id];
    unsigned attempt = 0, seen_epoch = 0;
    bool first = true;
    while (!atomic_load(&n->stop)) {
        /* first connection: until it is up (wait_peers bounds that); after
         * a loss: redial with backoff within the reconnect window */
        pthread_mutex_lock(&p->mu);
        int st = p->state;
        unsigned epoch = p->epoch;
        int64_t left = p->lost_at + n->reconnect_ms - net_now_ms();
        pthread_mutex_unlock(&p->mu);
        if (st == PEER_GONE) break;
        if (epoch != seen_epoch) { /* a new loss */
            seen_epoch = epoch;
            attempt = 0;
        }
        int64_t pause = first ? 0 : 250;
        if (st == PEER_RECONNECTING) {
            if (left <= 0) {
                give_up(n, id, epoch);
                break;
            }
            pause = attempt == 0 && n->test_hold_ms > 0 ? n->test_hold_ms : net_backoff_ms(attempt);
            attempt++;
            if (pause > left) pause = left;
        }
        first = false;
        for (int64_t until = net_now_ms() + pause; net_now_ms() < until && !atomic_load(&n->stop);) usleep(10 * 1000);
        if (atomic_load(&n->stop)) break;
        char addr[80] = "?", why[200];
        int fd = tls_tcp_connect(n, rn, addr, sizeof addr, why, sizeof why);
        if (fd < 0) {
            if (st != PEER_RECONNECTING) peer_why(n, id, "%s", why);
        } else {
            SSL *ssl = SSL_new(n->ctx);
            int64_t deadline = net_now_ms() + TLS_HANDSHAKE_MS;
            uint32_t lost;
            unsigned le;
            if (ssl && SSL_set_fd(ssl, fd) == 1 && tls_handshake(n, ssl, fd, false, deadline) == 0) {
                serve(n, ssl, fd, addr, id, deadline, &lost, &le);
            } else if (!atomic_load(&n->stop)) {
                peer_why(n, id, "%s: TLS handshake failed (%s)", addr, tls_ssl_reason());
            }
            SSL_free(ssl);
            close(fd);
            ERR_clear_error();
        }
    }
    thread_exit(n);
    return NULL;
}

/* ---- the Transport operations ------------------------------------------------------ */

/* send (later false) and send_later: queued in the peer's out buffer,
 * then written, unless held back (TransportOps.send_later). */
static int send_one(Transport *t, uint32_t to, const uint8_t *msg, size_t len, bool later)
{
    Net *n = t->impl;
    if (to >= tls_nodes(n) || len > TRANSPORT_MAX_MESSAGE || (len && !msg)) return TRANSPORT_ERROR;
    if (atomic_load(&n->stop)) return TRANSPORT_CLOSED;
    if (to == t->self) {
        uint8_t *copy = malloc(len ? len : 1);
        if (!copy) return TRANSPORT_ERROR;
        if (len) memcpy(copy, msg, len);
        return tls_push_in(n, to, copy, len) == 0 ? TRANSPORT_OK : TRANSPORT_ERROR;
    }
    Peer *p = &n->peers[to];
    int rc = TRANSPORT_OK;
    bool write = false;
    pthread_mutex_lock(&p->mu);
    if (p->state == PEER_GONE) {
        rc = TRANSPORT_OK; /* the peer left: like a lost packet */
    } else if (p->out_len + p->shq_len + p->inflight + len + 4 > TLS_PEER_OUT_LIMIT) {
        rc = TRANSPORT_ERROR;
    } else {
        size_t need = p->out_len + len + 4;
        if (need > p->out_cap) {
            size_t ncap = p->out_cap ? p->out_cap : 4096;
            while (ncap < need) ncap *= 2;
            /* an acknowledged batch's buffer if it is large enough (under
             * mu, like every use of the spare), else a fresh one; not
             * realloc: the old buffer holds queued shares, wiped here */
            uint8_t *nb = NULL;
            if (p->rs.spare_cap >= need) nb = net_resend_take_spare(&p->rs, &ncap);
            if (!nb) nb = malloc(ncap);
            if (!nb) {
                pthread_mutex_unlock(&p->mu);
                return TRANSPORT_ERROR;
            }
            if (p->out_len) memcpy(nb, p->out, p->out_len);
            net_wipe_free(p->out, p->out_cap); /* a reused buffer holds old frames past out_len */
            p->out = nb;
            p->out_cap = ncap;
        }
        net_frame_header(p->out + p->out_len, (uint32_t)len);
        if (len) memcpy(p->out + p->out_len + 4, msg, len);
        p->out_len += len + 4;
        p->out_frames++;
        write = !later || p->out_len >= TLS_LATER_BYTES;
        /* set with the frame (under mu), cleared when out is taken */
        if (!write && !atomic_load(&p->later_since)) atomic_store(&p->later_since, net_now_ms());
    }
    pthread_mutex_unlock(&p->mu);
    if (write && !tls_write_from_send(p)) { tls_peer_wake(p); }
    return rc;
}

static int tls_send(Transport *t, uint32_t to, const uint8_t *msg, size_t len)
{
    return send_one(t, to, msg, len, false);
}

static int tls_send_later(Transport *t, uint32_t to, const uint8_t *msg, size_t len)
{
    return send_one(t, to, msg, len, true);
}

/* Whether send_later holds back a frame to any peer. */
static bool later_held(Net *n)
{
    for (uint32_t i = 0; i < tls_nodes(n); i++)
        if (atomic_load(&n->peers[i].later_since)) return true;
    return false;
}

/* What send_later held back since TRANSPORT_LATER_MS or more goes now (to
 * the connection thread if the socket is busy).  Returns how many ms until
 * the next held-back frame is due, -1 if none is held back. */
static int64_t flush_later(Net *n)
{
    int64_t now = net_now_ms(), next = -1;
    for (uint32_t i = 0; i < tls_nodes(n); i++) {
        Peer *p = &n->peers[i];
        int64_t since = atomic_load(&p->later_since);
        if (!since) continue;
        if (now - since < TRANSPORT_LATER_MS) {
            int64_t in = since + TRANSPORT_LATER_MS - now;
            if (next < 0 || in < next) next = in;
            continue;
        }
        /* cleared first: if this write cannot take it, the woken
         * connection thread does (it takes whatever out holds) */
        if (atomic_exchange(&p->later_since, 0) && !tls_write_from_send(p)) tls_peer_wake(p);
    }
    return next;
}

/* TransportOps.send_many: one copy of the frame (tls_shared_new) goes into
 * every peer's resend store; a peer with frames already queued by send,
 * or many shared ones, gets its own copy through send instead, so each
 * peer's frames stay in order. */
static int tls_send_many(Transport *t, const uint32_t *to, size_t n_to, const uint8_t *msg, size_t len,
                         size_t *n_failed)
{
    Net *n = t->impl;
    *n_failed = 0;
    if (atomic_load(&n->stop)) return TRANSPORT_CLOSED;
    /* one reference per destination, and ours until every one is queued */
    NetShared *sh = len <= TRANSPORT_MAX_MESSAGE && (msg || !len) && n_to < UINT_MAX
                        ? tls_shared_new(n, msg, len, (unsigned)n_to + 1)
                        : NULL;
    bool closed = false;
    for (size_t i = 0; i < n_to; i++) {
        uint32_t d = to[i];
        Peer *p = d < tls_nodes(n) && d != t->self && sh ? &n->peers[d] : NULL;
        bool shared = false, gone = false;
        if (p) {
            pthread_mutex_lock(&p->mu);
            gone = p->state == PEER_GONE; /* like a lost packet, as with send */
            shared = !gone && !p->out_len && p->n_shq < TLS_SHARED_QUEUE &&
                     p->out_len + p->shq_len + p->inflight + sh->len <= TLS_PEER_OUT_LIMIT;
            if (shared) {
                p->shq[p->n_shq++] = sh;
                p->shq_len += sh->len;
            }
            pthread_mutex_unlock(&p->mu);
        }
        if (!shared) net_shared_put(sh);
        if (shared && !tls_write_from_send(p)) { tls_peer_wake(p); }
        if (!shared && !gone) {
            int rc = tls_send(t, d, msg, len);
            closed |= rc == TRANSPORT_CLOSED;
            if (rc != TRANSPORT_OK && rc != TRANSPORT_CLOSED) ++*n_failed;
        }
    }
    net_shared_put(sh);
    return closed ? TRANSPORT_CLOSED : TRANSPORT_OK;
}

static int tls_recv(Transport *t, uint32_t *from, uint8_t **msg, size_t *len, int timeout_ms)
{
    Net *n = t->impl;
    int64_t deadline = timeout_ms > 0 ? net_now_ms() + timeout_ms : 0;
    int rc = TRANSPORT_OK;
    bool looked = false;  /* timeout 0: the sockets were read once */
    bool flushed = false; /* held-back frames just looked at (flush_later) */
    int64_t due = -1;     /* ...and when the next of them is due */
    pthread_mutex_lock(&n->mu);
    for (;;) {
        if (n->closed) {
            rc = TRANSPORT_CLOSED;
            break;
        }
        if (n->count) break;
        if (!n->is_party && atomic_load(&n->parties_gone) >= n->roster.n_parties) {
            rc = TRANSPORT_PEERS_GONE;
            break;
        }
        int64_t left = timeout_ms < 0 ? -1 : timeout_ms == 0 ? 0 : deadline - net_now_ms();
        if ((timeout_ms > 0 && left <= 0) || (left == 0 && looked)) {
            rc = TRANSPORT_TIMEOUT;
            break;
        }
        if (!flushed && later_held(n)) { /* not under mu: it writes */
            pthread_mutex_unlock(&n->mu);
            due = flush_later(n);
            pthread_mutex_lock(&n->mu);
            flushed = true;
            continue; /* what came meanwhile */
        }
        flushed = false;
        int64_t wait = due >= 0 && (left < 0 || due < left) ? due : left; /* wakes up when they are due */
        due = -1;
        if (n->epfd >= 0 && !n->eng_busy && !n->eng_big) { /* read the sockets while waiting (tls_io.c) */
            tls_engine_wait(n, wait < 0 ? -1 : wait > INT_MAX ? INT_MAX : (int)wait);
            looked = true;
            continue;
        }
        if (left == 0) {
            rc = TRANSPORT_TIMEOUT;
            break;
        }
        left = wait;
        n->cv_waiters++;
        if (left < 0) {
            pthread_cond_wait(&n->cv, &n->mu);
        } else {
            struct timespec ts;
            mono_deadline(&ts, left);
            pthread_cond_timedwait(&n->cv, &n->mu, &ts);
        }
        n->cv_waiters--;
    }
    int wake_fd = -1;
    if (rc == TRANSPORT_OK) {
        Msg m = n->ring[n->head];
        n->head = (n->head + 1) % n->cap;
        n->count--;
        Peer *p = &n->peers[m.from];
        p->in_bytes -= m.len;
        if (atomic_load(&p->paused) && p->in_bytes < TLS_PEER_IN_LIMIT / 2) {
            atomic_store(&p->paused, false);
            wake_fd = m.from; /* wake its reader below, outside this lock */
        }
        *from = m.from;
        *msg = m.data;
        *len = m.len;
    }
    /* large messages: the connection threads read them as they come
     * (TLS_ENGINE_HANDBACK), until small ones come again */
    bool handback = rc == TRANSPORT_OK && n->epfd >= 0 && !n->eng_big && *len >= TLS_ENGINE_HANDBACK;
    if (rc == TRANSPORT_OK) n->eng_big = *len >= TLS_ENGINE_HANDBACK;
    pthread_mutex_unlock(&n->mu);
    if (handback) tls_engine_handback(n);
    if (wake_fd >= 0) {
        Peer *p = &n->peers[wake_fd];
        tls_peer_wake(p);
    }
    return rc;
}

static void tls_close_op(Transport *t)
{
    Net *n = t->impl;
    pthread_mutex_lock(&n->mu);
    n->closed = true;
    tls_signal_in(n);
    pthread_mutex_unlock(&n->mu);
    tls_engine_off(n);
}

static const TransportOps tls_ops = { tls_send,      tls_recv,    tls_close_op, tls_recycle,
                                      tls_send_many, tls_discard, NULL,         tls_send_later };

static int verify_any(int ok, X509_STORE_CTX *x)
{
    /* Chains are not used: the peer's key is pinned against the roster
     * after the handshake, whose CertificateVerify proved the peer holds
     * that key. */
    (void)ok;
    (void)x;
    return 1;
}

static int listen_on(Net *n, const char *host, const char *port, char *err, size_t errlen)
{
    int fd = net_listen_tcp(host, port, err, errlen);
    if (fd < 0) return -1;
    n->listen_fd = fd;
    return 0;
}

/* Copies the input counts and, for a party, hashes them for the hello
 * between parties (u32 little-endian each, in client order). */
static int set_inputs(Net *n, const uint32_t *inputs)
{
    size_t k = n->is_party ? n->roster.n_clients : 1;
    n->inputs = malloc((k ? k : 1) * sizeof *n->inputs);
    if (!n->inputs) return -1;
    if (k) memcpy(n->inputs, inputs, k * sizeof *n->inputs);
    crypto_generichash_state st;
    uint8_t h[16];
    crypto_generichash_init(&st, (const unsigned char *)"stoffel-inputs-v1", 17, sizeof h);
    for (size_t i = 0; i < k; i++) {
        uint8_t le[4] = { (uint8_t)inputs[i], (uint8_t)(inputs[i] >> 8), (uint8_t)(inputs[i] >> 16),
                          (uint8_t)(inputs[i] >> 24) };
        crypto_generichash_update(&st, le, sizeof le);
    }
    crypto_generichash_final(&st, h, sizeof h);
    net_hex(h, sizeof h, n->inputs_hash);
    return 0;
}

static void net_free_mem(Net *n)
{
    if (n->peers) {
        for (uint32_t i = 0; i < tls_nodes(n); i++) {
            net_wipe_free(n->peers[i].out, n->peers[i].out_cap);
            drop_shared_queue(&n->peers[i]);
            net_resend_free(&n->peers[i].rs);
            pthread_mutex_destroy(&n->peers[i].mu);
            pthread_mutex_destroy(&n->peers[i].io);
        }
        free(n->peers);
    }
    for (size_t i = 0; i < n->count; i++)
        net_wipe_free(n->ring[(n->head + i) % n->cap].data, n->ring[(n->head + i) % n->cap].len);
    free(n->ring);
    for (unsigned i = 0; i < n->n_spare; i++) free(n->spare[i].buf); /* wiped by who gave them back */
    tls_shared_free_spare(n);
    pthread_mutex_destroy(&n->sh_mu);
    free(n->inputs);
    if (n->listen_fd >= 0) close(n->listen_fd);
    tls_engine_free(n);
    if (n->ctx) SSL_CTX_free(n->ctx);
    pthread_cond_destroy(&n->cv);
    pthread_mutex_destroy(&n->mu);
    roster_free(&n->roster);
    free(n);
}

Transport *tls_transport_new(const TlsNetConfig *cfg, char *err, size_t errlen)
{
    const Roster *r = cfg->roster;
    uint32_t nn = r->n_parties + r->n_clients;
    if (cfg->self >= nn) {
        net_errf(err, errlen, "node %u is not in the roster", cfg->self);
        return NULL;
    }
    signal(SIGPIPE, SIG_IGN); /* a peer closing must not kill us */
    Net *n = calloc(1, sizeof *n);
    if (!n) {
        net_errf(err, errlen, "out of memory");
        return NULL;
    }
    n->listen_fd = n->epfd = n->ev_fd = -1;
    pthread_mutex_init(&n->mu, NULL);
    pthread_mutex_init(&n->sh_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&n->cv, &ca);
    pthread_condattr_destroy(&ca);
    n->roster = *r;
    n->roster.nodes = malloc(nn * sizeof *r->nodes);
    n->peers = calloc(nn, sizeof *n->peers);
    if (!n->roster.nodes || !n->peers) {
        free(n->roster.nodes);
        n->roster.nodes = NULL;
        net_errf(err, errlen, "out of memory");
        goto fail;
    }
    memcpy(n->roster.nodes, r->nodes, nn * sizeof *r->nodes);
    for (uint32_t i = 0; i < nn; i++) {
        pthread_mutex_init(&n->peers[i].mu, NULL);
        pthread_mutex_init(&n->peers[i].io, NULL);
        n->peers[i].wake_fd = -1;
        snprintf(n->peers[i].why, sizeof n->peers[i].why, "not connected yet");
        snprintf(n->peers[i].addr, sizeof n->peers[i].addr, "?");
    }
    n->tr.ops = &tls_ops;
    n->tr.self = cfg->self;
    n->tr.n_parties = r->n_parties;
    n->tr.n_clients = r->n_clients;
    n->tr.impl = n;
    n->is_party = cfg->self < r->n_parties;
    n->quiet = cfg->quiet;
    n->reconnect_ms = cfg->reconnect_ms < 0 ? 0 : cfg->reconnect_ms ? cfg->reconnect_ms : NET_RECONNECT_MS;
    n->spin_us = cfg->spin_us < 0 ? 0 : cfg->spin_us ? cfg->spin_us : TLS_SPIN_US;
    const char *hold = getenv("STOFFEL_NET_TEST_RECONNECT_HOLD_MS"); /* testing aid (docs/network.md) */
    n->test_hold_ms = hold ? atoi(hold) : 0;
    roster_node_name(r, cfg->self, n->self_name, sizeof n->self_name);
    snprintf(n->params, sizeof n->params, "%s", cfg->params ? cfg->params : "");
    randombytes_buf(n->nonce, sizeof n->nonce);
    snprintf(n->program, sizeof n->program, "%s", cfg->program ? cfg->program : "-");
    if (strchr(n->params, '\n') || strchr(n->program, '\n')) {
        net_errf(err, errlen, "session parameters must be one line");
        goto fail;
    }
    if (cfg->inputs && set_inputs(n, cfg->inputs) != 0) {
        net_errf(err, errlen, "out of memory");
        goto fail;
    }
    tls_engine_init(n); /* without it recv waits for the connection threads */

    n->ctx = SSL_CTX_new(TLS_method());
    if (!n->ctx || SSL_CTX_set_min_proto_version(n->ctx, TLS1_3_VERSION) != 1) {
        net_errf(err, errlen, "cannot set up TLS 1.3: %s", tls_ssl_reason());
        goto fail;
    }
    /* PEM or DER (identity.h); "cannot load" marks an identity error for net_mpc.c */
    char why[600];
    if (net_ctx_use_identity(n->ctx, cfg->key_path, cfg->cert_path, why, sizeof why) != 0) {
        net_errf(err, errlen, "cannot load this node's identity: %s", why);
        goto fail;
    }
    uint8_t kid[NET_KEY_ID_LEN];
    if (net_key_id_of_cert(SSL_CTX_get0_certificate(n->ctx), kid) != 0 ||
        memcmp(kid, r->nodes[cfg->self].key_id, NET_KEY_ID_LEN) != 0) {
        char hex[2 * NET_KEY_ID_LEN + 1];
        net_hex(kid, sizeof kid, hex);
        net_errf(err, errlen, "certificate '%s' (key %s) is not the roster's key for %s", cfg->cert_path, hex,
                 n->self_name);
        goto fail;
    }
    SSL_CTX_set_verify(n->ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_any);
    /* OpenSSL keeps the last record's plaintext (shares, here) in its read
     * buffer until overwritten: cleanse it once handed over, and on free */
    SSL_CTX_set_options(n->ctx, SSL_OP_NO_TICKET | SSL_OP_CLEANSE_PLAINTEXT);
    SSL_CTX_set_num_tickets(n->ctx, 0);
    SSL_CTX_set_session_cache_mode(n->ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_mode(n->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    /* one read per buffer instead of two (header, body) per record: the
     * connection loop reads until OpenSSL wants more from the socket, so
     * nothing it buffered is left waiting behind a poll */
    SSL_CTX_set_read_ahead(n->ctx, 1);
    SSL_CTX_set_default_read_buffer_len(n->ctx, TLS_READ_BUFFER);
    /* AES-128-GCM first: a sixth less CPU than AES-256-GCM on this CPU, and
     * no weaker than the handshake that keys it (X25519 and Ed25519 give
     * 128-bit security; docs/network.md "Cipher suite") */
    if (SSL_CTX_set_ciphersuites(n->ctx,
                                 "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256") != 1) {
        net_errf(err, errlen, "cannot set the TLS 1.3 cipher suites: %s", tls_ssl_reason());
        goto fail;
    }

    if (n->is_party) {
        char host[256], port[16];
        const RosterNode *me = &r->nodes[cfg->self];
        snprintf(host, sizeof host, "%s", me->host);
        snprintf(port, sizeof port, "%s", me->port);
        if (cfg->bind) {
            const char *c = strrchr(cfg->bind, ':');
            if (!c || (size_t)(c - cfg->bind) >= sizeof host || strlen(c + 1) >= sizeof port || !c[1]) {
                net_errf(err, errlen, "--bind needs HOST:PORT, got '%s'", cfg->bind);
                goto fail;
            }
            snprintf(host, sizeof host, "%.*s", (int)(c - cfg->bind), cfg->bind);
            snprintf(port, sizeof port, "%s", c + 1);
        }
        if (listen_on(n, host, port, err, errlen) != 0) goto fail;
        if (!spawn(n, accept_thread, n)) {
            net_errf(err, errlen, "cannot start a thread");
            goto fail;
        }
    }
    for (uint32_t j = 0; j < r->n_parties; j++) {
        if (n->is_party && j >= cfg->self) break;
        Dial *d = malloc(sizeof *d);
        if (!d || (d->n = n, d->peer = j, !spawn(n, dial_thread, d))) {
            free(d);
            net_errf(err, errlen, "cannot start a thread");
            tls_transport_free(&n->tr, 0);
            return NULL;
        }
    }
    return &n->tr;
fail:
    if (n->threads) {
        tls_transport_free(&n->tr, 0);
        return NULL;
    }
    net_free_mem(n);
    return NULL;
}

void tls_transport_test_reset(Transport *t, uint32_t node, unsigned after)
{
    Net *n = t->impl;
    if (node < tls_nodes(n) && node != t->self && after > 0) atomic_store(&n->peers[node].reset_in, after);
}

bool tls_transport_cipher(Transport *t, uint32_t node, char *out, size_t outlen)
{
    Net *n = t->impl;
    if (node >= tls_nodes(n) || node == t->self || outlen == 0) return false;
    Peer *p = &n->peers[node];
    pthread_mutex_lock(&p->io); /* its connection thread lets go while it polls */
    const SSL_CIPHER *c = p->ssl ? SSL_get_current_cipher(p->ssl) : NULL;
    if (c) snprintf(out, outlen, "%s", SSL_CIPHER_standard_name(c));
    pthread_mutex_unlock(&p->io);
    return c != NULL;
}

void tls_transport_test_hold(Transport *t, uint32_t node)
{
    Net *n = t->impl;
    if (node < tls_nodes(n) && node != t->self) atomic_store(&n->peers[node].test_hold, true);
}

bool tls_transport_peer_up(Transport *t, uint32_t node)
{
    Net *n = t->impl;
    if (node >= tls_nodes(n)) return false;
    if (node == t->self) return true;
    pthread_mutex_lock(&n->peers[node].mu);
    bool up = n->peers[node].state == PEER_UP;
    pthread_mutex_unlock(&n->peers[node].mu);
    return up;
}

/* Appends to err (from offset k) every node of 0..want-1 that is not
 * connected, and why. */
static void list_missing(Net *n, uint32_t want, char *err, size_t errlen, size_t k)
{
    Transport *t = &n->tr;
    bool first = true;
    for (uint32_t i = 0; i < want && k < errlen; i++) {
        if (tls_transport_peer_up(t, i)) continue;
        char name[32];
        roster_node_name(&n->roster, i, name, sizeof name);
        Peer *p = &n->peers[i];
        pthread_mutex_lock(&p->mu);
        const char *how = i < n->roster.n_parties && (!n->is_party || i < t->self) ? "" : " (it should connect to us)";
        k += (size_t)snprintf(err + k, errlen - k, "%s%s%s: %s", first ? "" : "; ", name, how,
                              p->state == PEER_GONE ? "connection lost" : p->why);
        pthread_mutex_unlock(&p->mu);
        first = false;
    }
}

int tls_transport_wait_peers(Transport *t, bool clients, int timeout_ms, char *err, size_t errlen)
{
    Net *n = t->impl;
    int64_t deadline = net_now_ms() + (timeout_ms > 0 ? timeout_ms : 60000);
    uint32_t want = n->is_party ? (clients ? tls_nodes(n) : n->roster.n_parties) : n->roster.n_parties;
    for (;;) {
        bool all = true;
        for (uint32_t i = 0; i < want && all; i++) all = tls_transport_peer_up(t, i);
        /* a peer that came and left never comes back (its slot stays
         * gone): waiting for it only delays the failure */
        int64_t gone = -1;
        for (uint32_t i = 0; i < want && !all && gone < 0; i++) {
            if (i == t->self) continue;
            pthread_mutex_lock(&n->peers[i].mu);
            if (n->peers[i].state == PEER_GONE) gone = i;
            pthread_mutex_unlock(&n->peers[i].mu);
        }
        if (gone >= 0) {
            char name[32];
            roster_node_name(&n->roster, (uint32_t)gone, name, sizeof name);
            pthread_mutex_lock(&n->mu);
            bool fatal = n->fatal[0] != 0;
            if (fatal) net_errf(err, errlen, "%s", n->fatal);
            pthread_mutex_unlock(&n->mu);
            if (!fatal) {
                size_t k = (size_t)snprintf(err, errlen,
                                            "%s left before every node had connected, so the session cannot "
                                            "start; not connected: ",
                                            name);
                list_missing(n, want, err, errlen, k < errlen ? k : errlen);
            }
            return -1;
        }
        pthread_mutex_lock(&n->mu);
        if (n->fatal[0]) {
            net_errf(err, errlen, "%s", n->fatal);
            pthread_mutex_unlock(&n->mu);
            return -1;
        }
        if (all) {
            pthread_mutex_unlock(&n->mu);
            return 0;
        }
        int64_t left = deadline - net_now_ms();
        if (left <= 0) {
            pthread_mutex_unlock(&n->mu);
            break;
        }
        struct timespec ts;
        mono_deadline(&ts, left > 100 ? 100 : left);
        pthread_cond_timedwait(&n->cv, &n->mu, &ts);
        pthread_mutex_unlock(&n->mu);
    }
    size_t k = (size_t)snprintf(err, errlen, "timed out after %d ms waiting for ", timeout_ms);
    list_missing(n, want, err, errlen, k < errlen ? k : errlen);
    return -1;
}

/* Before closing: every peer still there (connected, or resuming a lost
 * connection) must have acknowledged everything sent to it - the last
 * messages of a session, say - or it may never get them: once stop is set
 * nothing is accepted or redialled, so a connection lost while the last
 * frames were flushed would take them with it.  Until the linger deadline
 * the acceptor, the diallers and the connection threads run meanwhile
 * (docs/network.md, "Reconnection after a reset"). */
static void await_acknowledged(Net *n)
{
    while (net_now_ms() < n->linger_until) {
        bool any = false, held = false;
        for (uint32_t i = 0; i < tls_nodes(n) && !any; i++) {
            Peer *p = &n->peers[i];
            pthread_mutex_lock(&p->mu);
            bool there = p->state == PEER_UP || p->state == PEER_RECONNECTING || p->state == PEER_CLAIMED;
            bool h = atomic_load(&p->test_hold);
            held |= h;
            any = !h && there && (p->out_len || p->n_shq || p->inflight);
            pthread_mutex_unlock(&p->mu);
        }
        if (!any && !held) return;
        if (any) {
            usleep(10 * 1000);
            continue;
        }
        /* testing aid (tls_transport_test_hold): the held frames go out
         * only now, when nothing else is left to wait for */
        for (uint32_t i = 0; i < tls_nodes(n); i++) {
            Peer *p = &n->peers[i];
            if (!atomic_exchange(&p->test_hold, false)) continue;
            tls_peer_wake(p);
        }
    }
}

void tls_transport_free(Transport *t, int linger_ms)
{
    if (!t) return;
    Net *n = t->impl;
    n->linger_until = net_now_ms() + (linger_ms > 0 ? linger_ms : 0);
    tls_engine_off(n); /* no recv reads now: acknowledgements must still come in */
    await_acknowledged(n);
    atomic_store(&n->stop, true);
    for (uint32_t i = 0; i < tls_nodes(n); i++) tls_peer_wake(&n->peers[i]);
    tls_close_op(t);
    pthread_mutex_lock(&n->mu);
    while (n->threads > 0) pthread_cond_wait(&n->cv, &n->mu);
    pthread_mutex_unlock(&n->mu);
    net_free_mem(n);
}
