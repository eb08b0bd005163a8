/* tls_sock.c: the TLS transport's socket plumbing (tls_internal.h):
 * socket options, addresses, listening and dialling, and the blocking
 * handshake and hello I/O that runs before a connection's loop. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/frame.h"
#include "net/tls_internal.h"

void tls_set_socket_options(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int fl = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

void tls_addr_text(const struct sockaddr *sa, char *out, size_t outlen)
{
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s = (const void *)sa;
        inet_ntop(AF_INET, &s->sin_addr, host, sizeof host);
        port = ntohs(s->sin_port);
        snprintf(out, outlen, "%s:%u", host, port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const void *)sa;
        inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof host);
        port = ntohs(s->sin6_port);
        snprintf(out, outlen, "[%s]:%u", host, port);
    } else {
        snprintf(out, outlen, "?");
    }
}

/* Waits for the socket per the SSL error; false on deadline or stop. */
static bool wait_io(Net *n, int fd, int ssl_err, int64_t deadline)
{
    for (;;) {
        if (atomic_load(&n->stop)) return false;
        int64_t left = deadline - net_now_ms();
        if (left <= 0) return false;
        struct pollfd p = { fd, (short)(ssl_err == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN), 0 };
        int r = poll(&p, 1, left > 200 ? 200 : (int)left);
        if (r > 0) return true;
        if (r < 0 && errno != EINTR) return false;
    }
}

int tls_handshake(Net *n, SSL *ssl, int fd, bool server, int64_t deadline)
{
    for (;;) {
        ERR_clear_error();
        int r = server ? SSL_accept(ssl) : SSL_connect(ssl);
        if (r == 1) return 0;
        int e = SSL_get_error(ssl, r);
        if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) || !wait_io(n, fd, e, deadline)) return -1;
    }
}

int tls_write_all(Net *n, SSL *ssl, int fd, const uint8_t *b, size_t len, int64_t deadline)
{
    while (len) {
        ERR_clear_error();
        int w = SSL_write(ssl, b, len > (1u << 30) ? (1 << 30) : (int)len);
        if (w > 0) {
            b += w;
            len -= (size_t)w;
            continue;
        }
        int e = SSL_get_error(ssl, w);
        if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) || !wait_io(n, fd, e, deadline)) return -1;
    }
    return 0;
}

/* Reads one frame (at most max bytes) before the deadline. */
int tls_read_frame(Net *n, SSL *ssl, int fd, NetFrameDecoder *d, uint8_t **frame, size_t *flen, int64_t deadline)
{
    uint8_t buf[512];
    for (;;) {
        ERR_clear_error();
        int r = SSL_read(ssl, buf, sizeof buf);
        if (r > 0) {
            /* the hello is read byte-exactly: frame after frame is fed in order */
            size_t off = 0;
            while (off < (size_t)r) {
                size_t used;
                int fr = net_frame_feed(d, buf + off, (size_t)r - off, &used, frame, flen);
                off += used;
                if (fr < 0) return -1;
                if (fr == NET_FRAME_DONE) {
                    if (off < (size_t)r) return -1; /* nothing may follow the hello before ours is checked */
                    return 0;
                }
            }
            continue;
        }
        int e = SSL_get_error(ssl, r);
        if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) || !wait_io(n, fd, e, deadline)) return -1;
    }
}

int net_listen_tcp(const char *host, const char *port, char *err, size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int g = getaddrinfo(host && host[0] ? host : NULL, port, &hints, &res);
    if (g != 0)
        return net_errf(err, errlen, "cannot resolve listen address %s:%s: %s", host ? host : "", port,
                        gai_strerror(g));
    int fd = -1, e = 0;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
            e = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) return net_errf(err, errlen, "cannot listen on %s:%s: %s", host ? host : "", port, strerror(e));
    return fd;
}

int tls_tcp_connect(Net *n, const RosterNode *rn, char *addr, size_t addrlen, char *why, size_t whylen)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    int g = getaddrinfo(rn->host, rn->port, &hints, &res);
    if (g != 0) {
        snprintf(why, whylen, "cannot resolve %.100s:%s: %s", rn->host, rn->port, gai_strerror(g));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        tls_set_socket_options(fd);
        tls_addr_text(ai->ai_addr, addr, addrlen);
        int r = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (r != 0 && errno == EINPROGRESS) {
            struct pollfd p = { fd, POLLOUT, 0 };
            int err = ETIMEDOUT;
            socklen_t el = sizeof err;
            if (poll(&p, 1, 2000) > 0) getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
            r = err ? -1 : 0;
            errno = err;
        }
        if (r != 0) {
            snprintf(why, whylen, "%s: %s", addr, strerror(errno));
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    (void)n;
    return fd;
}
