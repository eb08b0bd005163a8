/* tls_io.c: reading and writing a live TLS connection (tls_internal.h),
 * by its connection thread or by the thread that uses the transport.
 *
 * send writes to an idle connection itself (tls_write_from_send), and recv,
 * while it waits, reads the sockets itself (tls_engine_wait): a message on
 * the critical path then wakes one thread at the receiver, not its
 * connection thread and then the waiting one.  Meanwhile the connection
 * threads leave reading to it ("engine mode", tls_engine_mode) and keep the
 * rest: writes the socket did not take, acknowledgements when idle,
 * reconnection, the close.  Once the waiting thread has been away from recv
 * for TLS_ENGINE_GRACE_MS (computing, or done with the transport) they read
 * for themselves again, so acknowledgements and a peer's close never wait
 * for the next recv.  Every SSL object is used under its peer's io lock
 * only, so never by two threads at once. */
#include <errno.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "net/frame.h"
#include "net/net_util.h"
#include "net/reconnect.h"
#include "net/tls_internal.h"

/* The endpoint's own eventfd in its epoll set (data.u64), told apart from
 * the peers' ids. */
#define EV_SELF UINT32_MAX
#define ENGINE_EVENTS 32

void tls_wake(int fd)
{
    if (fd >= 0) {
        uint64_t one = 1;
        ssize_t w = write(fd, &one, sizeof one);
        (void)w;
    }
}

void tls_peer_wake(Peer *p)
{
    pthread_mutex_lock(&p->mu);
    tls_wake(p->wake_fd);
    pthread_mutex_unlock(&p->mu);
}

void tls_signal_in(Net *n)
{
    pthread_cond_broadcast(&n->cv);
    if (atomic_load(&n->eng_polling)) tls_wake(n->ev_fd);
}

int tls_push_in(Net *n, uint32_t from, uint8_t *data, size_t len)
{
    pthread_mutex_lock(&n->mu);
    if (n->closed) {
        pthread_mutex_unlock(&n->mu);
        net_wipe_free(data, len);
        return 0;
    }
    if (n->count == n->cap) {
        size_t ncap = n->cap ? n->cap * 2 : 64;
        Msg *r = malloc(ncap * sizeof *r);
        if (!r) {
            pthread_mutex_unlock(&n->mu);
            net_wipe_free(data, len);
            return -1;
        }
        for (size_t i = 0; i < n->count; i++) r[i] = n->ring[(n->head + i) % n->cap];
        free(n->ring);
        n->ring = r;
        n->cap = ncap;
        n->head = 0;
    }
    n->ring[(n->head + n->count) % n->cap] = (Msg){ from, len, data };
    n->count++;
    n->peers[from].in_bytes += len;
    bool over = n->peers[from].in_bytes >= TLS_PEER_IN_LIMIT - TRANSPORT_MAX_MESSAGE;
    if (over) atomic_store(&n->peers[from].paused, true);
    tls_signal_in(n);
    pthread_mutex_unlock(&n->mu);
    return 0;
}

int tls_take_queued(Peer *p)
{
    const uint8_t *w;
    size_t wl;
    int rc = 0;
    pthread_mutex_lock(&p->mu);
    if (!p->resumable && !net_resend_pending(&p->rs, &w, &wl)) net_resend_ack(&p->rs, p->rs.next);
    /* held by the testing aid (tls_transport_test_hold): left queued */
    bool hold = atomic_load(&p->test_hold);
    /* shared frames first: they were queued while out was empty */
    for (unsigned i = 0; i < p->n_shq && !hold; i++) {
        if (rc == 0)
            rc = net_resend_add_shared(&p->rs, p->shq[i]); /* dropped on failure */
        else
            net_shared_put(p->shq[i]);
    }
    if (!hold) {
        p->n_shq = 0;
        p->shq_len = 0;
    }
    if (p->out_len && rc == 0 && !hold) {
        rc = net_resend_add_cap(&p->rs, p->out, p->out_len, p->out_cap, p->out_frames);
        p->out = NULL;
        p->out_len = p->out_cap = 0;
        p->out_frames = 0;
    }
    if (!p->out_len) atomic_store(&p->later_since, 0); /* what send_later held back goes now */
    tls_settle_spare(p);
    p->inflight = p->rs.bytes;
    pthread_mutex_unlock(&p->mu);
    return rc;
}

/* Testing aid (tls_transport_test_reset): counts a batch of messages about
 * to be written; true when the connection is to be reset now instead, with
 * SO_LINGER 0 so that closing it sends a TCP RST: the batch then has to
 * travel on the resumed connection. */
static bool test_reset_due(Peer *p, int fd)
{
    unsigned ri = atomic_load(&p->reset_in);
    if (ri > 1) atomic_store(&p->reset_in, ri - 1);
    if (ri != 1) return false;
    atomic_store(&p->reset_in, 0);
    struct linger lg = { 1, 0 };
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    return true;
}

/* What the decoder gave (fr, net_frame_feed's result): an acknowledgement
 * is applied, a data frame queued for recv.  NULL, or why the connection
 * must end. */
static const char *take_frame(Net *n, uint32_t id, int fr, uint8_t *frame, size_t flen)
{
    Peer *p = &n->peers[id];
    if (fr == NET_FRAME_TOO_BIG) return "sent a frame larger than the message bound";
    if (fr == NET_FRAME_NOMEM) return "out of memory";
    if (fr == NET_FRAME_CONTROL) {
        uint64_t count;
        int ar = net_ack_parse(frame, flen, &count);
        free(frame);
        if (ar == 0) {
            pthread_mutex_lock(&p->mu);
            ar = net_resend_ack(&p->rs, count);
            tls_settle_spare(p);
            p->inflight = p->rs.bytes;
            pthread_mutex_unlock(&p->mu);
        }
        return ar != 0 ? "sent a bad acknowledgement" : NULL;
    }
    if (fr != NET_FRAME_DONE) return NULL;
    if (tls_push_in(n, id, frame, flen) != 0) return "out of memory";
    p->rx_frames++;
    p->rx_unacked += flen + 4;
    if (p->rx_frames - p->rx_acked >= NET_ACK_FRAMES || p->rx_unacked >= NET_ACK_BYTES) p->ack_due = p->resumable;
    return NULL;
}

int tls_read_in(Net *n, uint32_t id, bool *want_write)
{
    Peer *p = &n->peers[id];
    SSL *ssl = p->ssl;
    NetFrameDecoder *dec = p->dec;
    const char *why;
    for (;;) {
        tls_clear_errors();
        /* inside a frame's payload, read straight into its buffer */
        size_t room = 0;
        uint8_t *direct = net_frame_room(dec, &room);
        int r = direct ? SSL_read(ssl, direct, room > INT_MAX ? INT_MAX : (int)room)
                       : SSL_read(ssl, p->rbuf, TLS_READ_CHUNK);
        if (r > 0) {
            int fr = NET_FRAME_MORE;
            if (direct) {
                uint8_t *frame = NULL;
                size_t flen = 0;
                fr = net_frame_filled(dec, (size_t)r, &frame, &flen);
                if ((why = take_frame(n, id, fr, frame, flen)) != NULL) goto fatal;
            }
            for (size_t off = 0; !direct && off < (size_t)r;) {
                size_t used;
                uint8_t *frame = NULL;
                size_t flen = 0;
                fr = net_frame_feed(dec, p->rbuf + off, (size_t)r - off, &used, &frame, &flen);
                off += used;
                if ((why = take_frame(n, id, fr, frame, flen)) != NULL) goto fatal;
            }
            /* a frame ended the data and nothing is buffered: poll rather
             * than read to be told EAGAIN (a system call less per message
             * when messages come one at a time) */
            if (atomic_load(&p->paused) || (fr > 0 && !SSL_has_pending(ssl))) return IO_OK;
            continue;
        }
        int e = SSL_get_error(ssl, r);
        if (e == SSL_ERROR_WANT_READ) return IO_OK;
        if (e == SSL_ERROR_WANT_WRITE) {
            *want_write = true;
            return IO_OK;
        }
        if (e == SSL_ERROR_ZERO_RETURN) return IO_CLEAN; /* the peer closed properly */
        snprintf(p->io_why, sizeof p->io_why, "connection lost (%s)",
                 e == SSL_ERROR_SYSCALL ? (errno ? strerror(errno) : "closed without TLS close") : tls_ssl_reason());
        return IO_LOST;
    }
fatal:
    snprintf(p->io_why, sizeof p->io_why, "%s", why);
    return IO_FATAL;
}

void tls_buffer_writes(Peer *p)
{
    BIO *sock = SSL_get_wbio(p->ssl), *buf = BIO_new(BIO_f_buffer());
    p->wbuf = NULL;
    if (!buf || BIO_set_write_buffer_size(buf, TLS_WRITE_BUFFER) != 1 || !BIO_up_ref(sock)) {
        BIO_free(buf);
        tls_clear_errors();
        return;
    }
    /* the SSL object's write side now owns buf, and buf a reference to
     * the socket BIO (its read side keeps the other) */
    SSL_set0_wbio(p->ssl, BIO_push(buf, sock));
    p->wbuf = buf;
}

size_t tls_buffered(const Peer *p) { return p->wbuf ? (size_t)BIO_wpending(p->wbuf) : 0; }

/* Hands the write buffer's bytes to the socket: WR_DONE, WR_BLOCKED (the
 * socket took part; *want_write), or WR_LOST. */
static int flush_buffered(Peer *p, bool *want_write)
{
    if (!tls_buffered(p)) return WR_DONE;
    errno = 0;
    if (BIO_flush(p->wbuf) == 1) return WR_DONE;
    if (BIO_should_retry(p->wbuf)) {
        *want_write = true;
        return WR_BLOCKED;
    }
    snprintf(p->io_why, sizeof p->io_why, "connection lost (write failed: %s)", errno ? strerror(errno) : "closed");
    return WR_LOST;
}

int tls_write_out(Peer *p, bool *want_write, bool *want_read_for_write)
{
    *want_write = *want_read_for_write = false;
    for (;;) {
        const uint8_t *wp;
        size_t wl;
        bool is_ctl = p->ctl_off < p->ctl_len;
        if (!is_ctl && p->ack_due && !p->retry && p->rs.woff == 0) {
            net_ack_frame(p->ctl, p->rx_frames);
            p->ctl_len = NET_CTL_FRAME;
            p->ctl_off = 0;
            p->rx_acked = p->rx_frames;
            p->rx_unacked = 0;
            p->ack_due = false;
            is_ctl = true;
        }
        if (is_ctl) {
            wp = p->ctl + p->ctl_off;
            wl = p->ctl_len - p->ctl_off;
        } else if (!net_resend_pending(&p->rs, &wp, &wl)) {
            return flush_buffered(p, want_write);
        } else if (!p->retry && p->rs.woff == 0 && test_reset_due(p, p->fd)) {
            snprintf(p->io_why, sizeof p->io_why, "connection lost (reset by the test hook, before writing a message)");
            return WR_LOST;
        }
        tls_clear_errors();
        size_t chunk = wl > (1u << 20) ? (1u << 20) : wl;
        int w = SSL_write(p->ssl, wp, (int)chunk);
        if (w > 0) {
            p->retry = false;
            if (is_ctl)
                p->ctl_off += (size_t)w;
            else
                net_resend_wrote(&p->rs, (size_t)w);
            continue;
        }
        int e = SSL_get_error(p->ssl, w);
        if (e == SSL_ERROR_WANT_WRITE) {
            *want_write = true;
        } else if (e == SSL_ERROR_WANT_READ) {
            *want_read_for_write = true;
        } else {
            /* said like a failed read: which side notices a reset first is timing */
            snprintf(p->io_why, sizeof p->io_why, "connection lost (write failed: %s)",
                     e == SSL_ERROR_SYSCALL ? (errno ? strerror(errno) : "closed") : tls_ssl_reason());
            return WR_LOST;
        }
        p->retry = true;
        return WR_BLOCKED;
    }
}

/* Writes what is pending, what is queued and a due acknowledgement, until
 * all is written or the socket takes no more (p->io held).  A failed write
 * is left to the connection thread to report and resume. */
static int flush_locked(Peer *p)
{
    int r = p->ssl && !p->io_end ? WR_DONE : WR_BLOCKED;
    while (r == WR_DONE) {
        const uint8_t *wp;
        size_t wl;
        bool ww, wr;
        /* what is pending first, then the queue (also what was queued behind it) */
        if (p->ctl_off >= p->ctl_len && !(p->ack_due && !p->retry) && !net_resend_pending(&p->rs, &wp, &wl) &&
            (tls_take_queued(p) != 0 || !net_resend_pending(&p->rs, &wp, &wl)) && !tls_buffered(p))
            break;
        r = tls_write_out(p, &ww, &wr);
        if (r == WR_LOST) p->io_end = IO_LOST; /* the connection thread ends it */
    }
    return r;
}

bool tls_write_from_send(Peer *p)
{
    if (pthread_mutex_trylock(&p->io) != 0) return false;
    int r = flush_locked(p);
    tls_clear_errors();
    pthread_mutex_unlock(&p->io);
    return r == WR_DONE;
}

void tls_engine_join(Net *n, uint32_t id, int fd)
{
    Peer *p = &n->peers[id];
    p->in_ep = false;
    if (n->epfd < 0) return;
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = id };
    p->in_ep = epoll_ctl(n->epfd, EPOLL_CTL_ADD, fd, &ev) == 0;
}

void tls_engine_leave(Net *n, Peer *p)
{
    if (p->in_ep) epoll_ctl(n->epfd, EPOLL_CTL_DEL, p->fd, NULL);
    p->in_ep = false;
}

bool tls_engine_mode(Net *n, Peer *p)
{
    if (!p->in_ep || atomic_load(&n->eng_off)) return false;
    /* announce both, then look (recv stores eng_in or eng_left, then
     * looks at the flag): one of the two sees the other, so a thread that
     * chose wrongly is woken by recv to choose again */
    atomic_store(&p->sock_mode, true);
    atomic_store(&p->eng_mode, true);
    bool eng = atomic_load(&n->eng_in) || net_now_ms() - atomic_load(&n->eng_left) < TLS_ENGINE_GRACE_MS;
    atomic_store(eng ? &p->sock_mode : &p->eng_mode, false);
    return eng;
}

void tls_engine_handback(Net *n)
{
    atomic_store(&n->eng_left, 0);
    for (uint32_t i = 0; i < tls_nodes(n); i++) {
        Peer *p = &n->peers[i];
        if (atomic_load(&p->eng_mode) && atomic_exchange(&p->eng_mode, false)) tls_peer_wake(p);
    }
}

void tls_engine_off(Net *n)
{
    atomic_store(&n->eng_off, true);
    for (uint32_t i = 0; i < tls_nodes(n); i++) tls_peer_wake(&n->peers[i]);
}

/* Reads one peer's connection for a waiting recv (io taken here): what
 * arrives is queued as a connection thread would; anything else (an
 * acknowledgement to write, a socket that took only part, the connection's
 * end) goes to its connection thread. */
static void engine_read_peer(Net *n, uint32_t id)
{
    Peer *p = &n->peers[id];
    bool kick = false;
    pthread_mutex_lock(&p->io);
    if (p->ssl && p->dec && p->in_ep && !p->io_end && !atomic_load(&p->paused)) {
        uint64_t before = p->rx_frames;
        bool ww = false;
        int r = tls_read_in(n, id, &ww);
        if (r != IO_OK) {
            p->io_end = r;
            tls_engine_leave(n, p); /* its socket would report the end until closed */
            kick = true;
        } else if (p->ack_due && !p->retry) {
            kick = flush_locked(p) != WR_DONE;
        }
        if (p->rx_frames != before) {
            atomic_store(&p->eng_read, true);
            kick |= atomic_exchange(&p->napping, false); /* its next tick acknowledges them */
        }
        kick |= ww;
        tls_clear_errors();
    }
    pthread_mutex_unlock(&p->io);
    if (kick) tls_peer_wake(p);
}

/* Looks at the sockets for up to spin_us before recv sleeps (TLS_SPIN_US):
 * the epoll events found, or 0. */
static int engine_spin(Net *n, struct epoll_event *ev)
{
    if (n->spin_us <= 0) return 0;
    int64_t until = mono_now_us() + n->spin_us;
    for (;;) {
        int k = epoll_wait(n->epfd, ev, ENGINE_EVENTS, 0);
        if (k != 0 || mono_now_us() >= until) return k < 0 ? 0 : k;
        sched_yield();
    }
}

void tls_engine_wait(Net *n, int ms)
{
    n->eng_busy = true;
    atomic_store(&n->eng_polling, true);
    pthread_mutex_unlock(&n->mu);
    atomic_store(&n->eng_in, true);
    uint32_t nn = tls_nodes(n);
    for (uint32_t i = 0; i < nn; i++) { /* stop those still reading (tls_engine_mode) */
        Peer *p = &n->peers[i];
        if (atomic_load(&p->sock_mode) && atomic_exchange(&p->sock_mode, false)) tls_peer_wake(p);
    }
    struct epoll_event ev[ENGINE_EVENTS];
    int k = ms != 0 ? engine_spin(n, ev) : 0;
    if (k == 0) k = epoll_wait(n->epfd, ev, ENGINE_EVENTS, ms);
    atomic_store(&n->eng_polling, false);
    for (int i = 0; i < k; i++) {
        uint64_t id = ev[i].data.u64;
        if (id == EV_SELF) {
            uint64_t x;
            ssize_t r = read(n->ev_fd, &x, sizeof x);
            (void)r;
        } else if (id < nn) {
            engine_read_peer(n, (uint32_t)id);
        }
    }
    atomic_store(&n->eng_left, net_now_ms());
    atomic_store(&n->eng_in, false);
    pthread_mutex_lock(&n->mu);
    n->eng_busy = false;
    if (n->cv_waiters) pthread_cond_broadcast(&n->cv); /* another recv may read now */
}

int tls_engine_init(Net *n)
{
    n->epfd = epoll_create1(EPOLL_CLOEXEC);
    n->ev_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = EV_SELF };
    if (n->epfd < 0 || n->ev_fd < 0 || epoll_ctl(n->epfd, EPOLL_CTL_ADD, n->ev_fd, &ev) != 0) {
        tls_engine_free(n);
        return -1;
    }
    return 0;
}

void tls_engine_free(Net *n)
{
    if (n->epfd >= 0) close(n->epfd);
    if (n->ev_fd >= 0) close(n->ev_fd);
    n->epfd = n->ev_fd = -1;
}
