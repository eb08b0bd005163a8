/* discovery.c: the leader / bootstrap registration (discovery.h). */
#include "net/discovery.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net/frame.h"
#include "net/identity.h"
#include "net/roster.h"
#include "net/net_util.h"
#include "net/tls.h"

static int errf(char *err, size_t errlen, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int errf(char *err, size_t errlen, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    net_verrf(err, errlen, fmt, ap);
    va_end(ap);
    return code;
}

static const char *ssl_reason(void)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    return r ? r : (errno ? strerror(errno) : "connection closed");
}

/* "host:port" or "[v6]:port" into its parts; false if malformed. */
static bool split_addr(const char *a, char *host, size_t hostlen, char *port, size_t portlen)
{
    const char *colon;
    size_t hl;
    const char *h = a;
    if (a[0] == '[') {
        const char *close = strchr(a, ']');
        if (!close || close[1] != ':') return false;
        h = a + 1;
        hl = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(a, ':');
        if (!colon) return false;
        hl = (size_t)(colon - a);
    }
    if (hl == 0 || hl >= hostlen || strlen(colon + 1) == 0 || strlen(colon + 1) >= portlen) return false;
    for (const char *p = colon + 1; *p; p++)
        if (*p < '0' || *p > '9') return false;
    long pn = strtol(colon + 1, NULL, 10);
    if (pn < 1 || pn > 65535) return false;
    memcpy(host, h, hl);
    host[hl] = 0;
    strcpy(port, colon + 1);
    for (const char *p = a; *p; p++)
        if (*p <= ' ' || *p == 0x7f) return false;
    return true;
}

static void set_io_timeout(int fd, int ms)
{
    struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void addr_text(const struct sockaddr *sa, char *out, size_t outlen)
{
    char host[INET6_ADDRSTRLEN] = "?";
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s = (const void *)sa;
        inet_ntop(AF_INET, &s->sin_addr, host, sizeof host);
        snprintf(out, outlen, "%s:%u", host, ntohs(s->sin_port));
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const void *)sa;
        inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof host);
        snprintf(out, outlen, "[%s]:%u", host, ntohs(s->sin6_port));
    } else {
        snprintf(out, outlen, "?");
    }
}

static int verify_any(int ok, X509_STORE_CTX *x)
{
    /* As in tls.c: chains are not used; the peer's key id is what counts
     * (the handshake's CertificateVerify proved the peer holds it). */
    (void)ok;
    (void)x;
    return 1;
}

static SSL_CTX *make_ctx(const char *key, const char *cert, uint8_t kid[NET_KEY_ID_LEN], char *err, size_t errlen)
{
    if (!key || !cert) {
        errf(err, errlen, 0, "discovery needs --key FILE and --cert FILE");
        return NULL;
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    const char *why = NULL;
    if (!ctx || SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1)
        why = "cannot set up TLS 1.3";
    else if (net_ctx_use_identity(ctx, key, cert, err, errlen) != 0) {
        SSL_CTX_free(ctx);
        return NULL;
    } else if (net_key_id_of_cert(SSL_CTX_get0_certificate(ctx), kid) != 0)
        why = "cannot encode the certificate's key";
    if (why) {
        errf(err, errlen, 0, "%s (%s, %s): %s", why, key, cert, ssl_reason());
        SSL_CTX_free(ctx);
        return NULL;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_any);
    /* OpenSSL keeps the last record's plaintext (shares, here) in its read
     * buffer until overwritten: cleanse it once handed over, and on free */
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_CLEANSE_PLAINTEXT);
    SSL_CTX_set_num_tickets(ctx, 0);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    return ctx;
}

static int send_frame(SSL *ssl, const char *data, size_t len)
{
    uint8_t hdr[4];
    net_frame_header(hdr, (uint32_t)len);
    if (SSL_write(ssl, hdr, 4) != 4) return -1;
    while (len) {
        int w = SSL_write(ssl, data, len > (1u << 20) ? (1 << 20) : (int)len);
        if (w <= 0) return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* One frame as a NUL-terminated string (*out malloc'd); -1 on error / timeout. */
static int recv_frame(SSL *ssl, char **out, size_t *outlen)
{
    NetFrameDecoder d;
    net_frame_init(&d, DISCOVERY_MAX_FRAME);
    uint8_t buf[4096];
    for (;;) {
        int r = SSL_read(ssl, buf, sizeof buf);
        if (r <= 0) break;
        size_t used;
        uint8_t *frame;
        size_t flen;
        int fr = net_frame_feed(&d, buf, (size_t)r, &used, &frame, &flen);
        if (fr < 0) break;
        if (fr == NET_FRAME_DONE) {
            net_frame_free(&d);
            char *s = malloc(flen + 1);
            if (!s) {
                free(frame);
                return -1;
            }
            memcpy(s, frame, flen);
            s[flen] = 0;
            free(frame);
            *out = s;
            *outlen = flen;
            return 0;
        }
    }
    net_frame_free(&d);
    return -1;
}

static void token_hash(const char *tok, size_t len, unsigned char h[32])
{
    crypto_generichash(h, 32, (const unsigned char *)tok, len, (const unsigned char *)"stoffel-auth-token", 18);
}

static void ssl_close(SSL *ssl, int fd)
{
    if (ssl) {
        SSL_shutdown(ssl);
        SSL_free(ssl);
    }
    if (fd >= 0) close(fd);
}

/* ---- the leader ------------------------------------------------------------------- */

typedef struct {
    SSL *ssl;
    int fd;
    bool party;
    char addr[280];
    char from[80]; /* where it registered from */
    uint8_t kid[NET_KEY_ID_LEN];
    int64_t seat; /* a client's claimed seat (--client-index or --expected-clients), or -1 */
} Registrant;

/* The clients' seats: --expected-clients pins one key to each, else a
 * client may claim one with --client-index; the others are seated in
 * registration order (docs/network.md). */
typedef struct {
    uint32_t n;            /* the session's clients */
    const uint8_t *expect; /* n key ids, or NULL */
    char why[256];         /* a refusal that names numbers */
    /* the keys that may take a party seat (--party-keys), or NULL: any key
     * holding the parties' token (--insecure-any-party-key) */
    const uint8_t *party_keys;
    uint32_t n_party_keys;
} Seats;

static bool key_listed(const uint8_t *ids, uint32_t n, const uint8_t kid[NET_KEY_ID_LEN])
{
    for (uint32_t i = 0; i < n; i++)
        if (memcmp(ids + (size_t)i * NET_KEY_ID_LEN, kid, NET_KEY_ID_LEN) == 0) return true;
    return false;
}

/* A client's seat: 0 (reg->seat set, -1 = any), or the refusal. */
static const char *seat_client(Seats *s, const char *index_line, Registrant *reg, const Registrant *regs,
                               uint32_t nregs)
{
    reg->seat = -1;
    if (s->expect) {
        for (uint32_t i = 0; i < s->n && reg->seat < 0; i++)
            if (memcmp(s->expect + (size_t)i * NET_KEY_ID_LEN, reg->kid, NET_KEY_ID_LEN) == 0) reg->seat = i;
        if (reg->seat < 0) return "its key is not one of --expected-clients";
    }
    if (index_line) {
        if (strncmp(index_line, "index ", 6) != 0 || index_line[6] < '0' || index_line[6] > '9')
            return "malformed client index";
        char *end;
        errno = 0;
        unsigned long v = strtoul(index_line + 6, &end, 10);
        if (*end || errno) return "malformed client index";
        if (v >= s->n) {
            snprintf(s->why, sizeof s->why,
                     "--client-index %lu exceeds expected input capacity %u (client indices 0..%d)", v, s->n,
                     (int)s->n - 1);
            return s->why;
        }
        if (reg->seat >= 0 && (unsigned long)reg->seat != v) {
            snprintf(s->why, sizeof s->why, "--client-index %lu, but --expected-clients lists its key at %lld", v,
                     (long long)reg->seat);
            return s->why;
        }
        reg->seat = (int64_t)v;
    }
    for (uint32_t i = 0; reg->seat >= 0 && i < nregs; i++)
        if (!regs[i].party && regs[i].seat == reg->seat) {
            snprintf(s->why, sizeof s->why, "duplicate reserved index %lld: client %lld is taken by %s",
                     (long long)reg->seat, (long long)reg->seat, regs[i].from);
            return s->why;
        }
    return NULL;
}

/* Checks one registration; NULL if accepted (reg filled), else the reason.
 * want[0] is the hash of the parties' token, want[1] the clients' (all
 * zero when the session has no clients): the role decides which one the
 * registrant's token must match, so a client's token never seats a party. */
static const char *check_registration(char *msg, size_t len, unsigned char want[2][32], Registrant *reg,
                                      const Registrant *regs, uint32_t nregs, const uint8_t leader_kid[32],
                                      uint32_t parties_left, uint32_t clients_left, Seats *seats)
{
    if (strlen(msg) != len) return "malformed registration (NUL byte)";
    char *tok = strstr(msg, "\ntoken ");
    if (tok) {
        *tok = 0;
        tok += 7;
    }
    char *line = strtok(msg, "\n");
    if (!line || strcmp(line, "stoffel-register 1") != 0) return "unknown registration version";
    line = strtok(NULL, "\n");
    if (!line || (strcmp(line, "role party") != 0 && strcmp(line, "role client") != 0))
        return "role must be party or client";
    reg->party = strcmp(line, "role party") == 0;
    if (!tok || !*tok)
        return reg->party ? "missing " DISCOVERY_TOKEN_ENV " (set it to the parties' token)"
                          : "missing " DISCOVERY_CLIENT_TOKEN_ENV " (set it to the clients' token)";
    unsigned char got[32];
    token_hash(tok, strlen(tok), got);
    int bad = sodium_memcmp(got, want[reg->party ? 0 : 1], 32);
    sodium_memzero(got, sizeof got);
    if (bad != 0) return reg->party ? "wrong " DISCOVERY_TOKEN_ENV : "wrong " DISCOVERY_CLIENT_TOKEN_ENV;
    if (reg->party) {
        line = strtok(NULL, "\n");
        char h[256], p[16];
        if (!line || strncmp(line, "addr ", 5) != 0 || !split_addr(line + 5, h, sizeof h, p, sizeof p))
            return "a party must send its address as HOST:PORT";
        snprintf(reg->addr, sizeof reg->addr, "%s", line + 5);
        /* the token alone does not make a party: its key must be listed */
        if (seats->party_keys && !key_listed(seats->party_keys, seats->n_party_keys, reg->kid))
            return "its key is not listed in --party-keys";
        if (!parties_left) return "the session has all its parties already";
    } else if (!clients_left) {
        return "the session has all its clients already";
    }
    if (memcmp(reg->kid, leader_kid, NET_KEY_ID_LEN) == 0) return "its key is the leader's key";
    for (uint32_t i = 0; i < nregs; i++)
        if (memcmp(regs[i].kid, reg->kid, NET_KEY_ID_LEN) == 0) return "its key is registered already";
    return reg->party ? NULL : seat_client(seats, strtok(NULL, "\n"), reg, regs, nregs);
}

int discovery_expected_clients(const char *list, uint8_t **key_ids, uint32_t *count, char *err, size_t errlen)
{
    *key_ids = NULL;
    *count = 0;
    char *copy = strdup(list), *save = NULL;
    size_t cap = 1;
    for (const char *p = list; *p; p++) cap += *p == ',';
    uint8_t *ids = cap <= 255 ? calloc(cap, NET_KEY_ID_LEN) : NULL;
    if (!copy || !ids) {
        free(copy);
        free(ids);
        return errf(err, errlen, DISCOVERY_BAD_CONFIG,
                    cap > 255 ? "--expected-clients lists more than 255 clients" : "out of memory");
    }
    uint32_t n = 0;
    int rc = DISCOVERY_OK;
    for (char *tok = strtok_r(copy, ",", &save); tok && rc == DISCOVERY_OK; tok = strtok_r(NULL, ",", &save)) {
        char why[600];
        while (*tok == ' ') tok++;
        if (tls_cert_key_id(tok, ids + (size_t)n * NET_KEY_ID_LEN, why, sizeof why) != 0)
            rc = errf(err, errlen, DISCOVERY_BAD_CONFIG, "--expected-clients entry %u: %s", n + 1, why);
        for (uint32_t i = 0; rc == DISCOVERY_OK && i < n; i++)
            if (memcmp(ids + (size_t)i * NET_KEY_ID_LEN, ids + (size_t)n * NET_KEY_ID_LEN, NET_KEY_ID_LEN) == 0)
                rc = errf(err, errlen, DISCOVERY_BAD_CONFIG,
                          "--expected-clients entries %u and %u are the same key ('%s')", i + 1, n + 1, tok);
        n++;
    }
    free(copy);
    if (rc == DISCOVERY_OK && n == 0) rc = errf(err, errlen, DISCOVERY_BAD_CONFIG, "--expected-clients is empty");
    if (rc != DISCOVERY_OK) {
        free(ids);
        return rc;
    }
    *key_ids = ids;
    *count = n;
    return DISCOVERY_OK;
}

/* One entry of a --party-keys file: a key id, a certificate file, or a
 * roster line `party I HOST:PORT KEYID`. */
static int party_key_entry(char *line, uint8_t kid[NET_KEY_ID_LEN], char *why, size_t whylen)
{
    char *words[5];
    int nw = 0;
    for (char *save = NULL, *w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (nw == 5) return net_errf(why, whylen, "too many words");
        words[nw++] = w;
    }
    if (nw == 4 && strcmp(words[0], "party") == 0) {
        if (net_unhex(words[3], kid, NET_KEY_ID_LEN) && strlen(words[3]) == 2 * NET_KEY_ID_LEN) return 0;
        return net_errf(why, whylen, "'%s' is not a key id (64 hex digits)", words[3]);
    }
    if (nw >= 1 && strcmp(words[0], "client") == 0)
        return net_errf(why, whylen, "a client's key does not belong in a list of party keys");
    if (nw != 1)
        return net_errf(why, whylen,
                        "expected a key id, a certificate file or a roster line 'party I HOST:PORT KEYID'");
    if (strlen(words[0]) == 2 * NET_KEY_ID_LEN && net_unhex(words[0], kid, NET_KEY_ID_LEN)) return 0;
    return tls_cert_key_id(words[0], kid, why, whylen) == 0 ? 0 : -1;
}

int discovery_party_keys(const char *path, uint8_t **key_ids, uint32_t *count, char *err, size_t errlen)
{
    *key_ids = NULL;
    *count = 0;
    FILE *f = fopen(path, "r");
    if (!f) return errf(err, errlen, DISCOVERY_BAD_CONFIG, "--party-keys '%s': %s", path, strerror(errno));
    uint8_t *ids = calloc(256, NET_KEY_ID_LEN);
    char line[1200];
    uint32_t n = 0, lineno = 0;
    int rc = ids ? DISCOVERY_OK : errf(err, errlen, DISCOVERY_BAD_CONFIG, "out of memory");
    while (rc == DISCOVERY_OK && fgets(line, sizeof line, f)) {
        lineno++;
        size_t l = strlen(line);
        if (l == sizeof line - 1 && line[l - 1] != '\n') {
            rc = errf(err, errlen, DISCOVERY_BAD_CONFIG, "--party-keys '%s' line %u: too long", path, lineno);
            break;
        }
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        line[strcspn(line, "\r\n")] = 0;
        if (strspn(line, " \t") == strlen(line)) continue;
        char why[600];
        uint8_t kid[NET_KEY_ID_LEN];
        if (party_key_entry(line, kid, why, sizeof why) != 0)
            rc = errf(err, errlen, DISCOVERY_BAD_CONFIG, "--party-keys '%s' line %u: %s", path, lineno, why);
        else if (key_listed(ids, n, kid))
            rc = errf(err, errlen, DISCOVERY_BAD_CONFIG, "--party-keys '%s' line %u: the same key is listed twice",
                      path, lineno);
        else if (n == 255)
            rc = errf(err, errlen, DISCOVERY_BAD_CONFIG, "--party-keys '%s' lists more than 255 keys", path);
        else
            memcpy(ids + (size_t)n++ * NET_KEY_ID_LEN, kid, NET_KEY_ID_LEN);
    }
    fclose(f);
    if (rc == DISCOVERY_OK && n == 0)
        rc = errf(err, errlen, DISCOVERY_BAD_CONFIG, "--party-keys '%s' lists no key", path);
    if (rc != DISCOVERY_OK) {
        free(ids);
        return rc;
    }
    *key_ids = ids;
    *count = n;
    return DISCOVERY_OK;
}

static int listen_at(const char *bind_addr, char *err, size_t errlen)
{
    char host[256], port[16];
    if (!split_addr(bind_addr, host, sizeof host, port, sizeof port))
        return errf(err, errlen, DISCOVERY_BAD_CONFIG, "--bind needs HOST:PORT, got '%s'", bind_addr);
    int fd = net_listen_tcp(host, port, err, errlen);
    return fd < 0 ? DISCOVERY_LISTEN : fd;
}

/* A registration in progress: TLS handshake, then one frame, all before
 * one absolute deadline (so a peer trickling bytes cannot hold it). */
typedef struct {
    SSL *ssl;
    int fd;
    int64_t deadline;
    bool handshaken;
    short events; /* what the TLS layer waits for */
    NetFrameDecoder dec;
    char from[80], host[64];
} Pending;

typedef struct {
    SSL_CTX *ctx;
    Pending pend[DISCOVERY_MAX_PENDING];
    unsigned npend;
    NetLogLimit loglim;
} Lobby;

static void pending_drop(Lobby *l, unsigned i)
{
    Pending *p = &l->pend[i];
    net_frame_free(&p->dec);
    ssl_close(p->ssl, p->fd);
    l->pend[i] = l->pend[--l->npend];
}

static void lobby_log(Lobby *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lobby_log(Lobby *l, const char *fmt, ...)
{
    unsigned dropped;
    if (!net_log_allow(&l->loglim, &dropped)) return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (dropped) fprintf(stderr, "stoffel-discovery [leader]: (%u more rejected connections not logged)\n", dropped);
    fprintf(stderr, "stoffel-discovery [leader]: %s\n", buf);
}

/* Takes a new connection into the lobby, unless the lobby or this source
 * address's share of it is full. */
static void lobby_accept(Lobby *l, int lfd)
{
    struct sockaddr_storage sa;
    socklen_t sl = sizeof sa;
    int fd = accept(lfd, (struct sockaddr *)&sa, &sl);
    if (fd < 0) return;
    char from[80], host[64];
    addr_text((struct sockaddr *)&sa, from, sizeof from);
    net_addr_host((struct sockaddr *)&sa, host, sizeof host);
    unsigned same = 0;
    for (unsigned i = 0; i < l->npend; i++) same += strcmp(l->pend[i].host, host) == 0;
    const char *why = l->npend == DISCOVERY_MAX_PENDING    ? "too many registrations in progress"
                      : same >= DISCOVERY_PENDING_PER_HOST ? "too many registrations in progress from its address"
                                                           : NULL;
    SSL *ssl = why ? NULL : SSL_new(l->ctx);
    if (!why && (!ssl || SSL_set_fd(ssl, fd) != 1)) why = "out of memory";
    if (why) {
        lobby_log(l, "connection from %s dropped: %s", from, why);
        SSL_free(ssl);
        close(fd);
        return;
    }
    int fl = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    Pending *p = &l->pend[l->npend++];
    memset(p, 0, sizeof *p);
    p->ssl = ssl;
    p->fd = fd;
    p->deadline = net_now_ms() + DISCOVERY_REGISTER_MS;
    p->events = POLLIN;
    net_frame_init(&p->dec, DISCOVERY_MAX_FRAME);
    snprintf(p->from, sizeof p->from, "%s", from);
    snprintf(p->host, sizeof p->host, "%s", host);
}

/* Advances a registration as far as its bytes allow.  0: waiting for more;
 * 1: its frame is complete (*msg, *mlen, NUL-terminated); -1: failed (*why). */
static int pending_step(Pending *p, char **msg, size_t *mlen, const char **why)
{
    if (!p->handshaken) {
        ERR_clear_error();
        int r = SSL_accept(p->ssl);
        if (r != 1) {
            int e = SSL_get_error(p->ssl, r);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                p->events = e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
                return 0;
            }
            *why = "TLS handshake failed";
            return -1;
        }
        p->handshaken = true;
    }
    uint8_t buf[4096];
    for (;;) {
        ERR_clear_error();
        int r = SSL_read(p->ssl, buf, sizeof buf);
        if (r <= 0) {
            int e = SSL_get_error(p->ssl, r);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                p->events = e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
                return 0;
            }
            *why = "no registration received";
            return -1;
        }
        size_t off = 0;
        while (off < (size_t)r) {
            size_t used, flen;
            uint8_t *frame = NULL;
            int fr = net_frame_feed(&p->dec, buf + off, (size_t)r - off, &used, &frame, &flen);
            off += used;
            if (fr < 0) {
                *why = "malformed or oversized registration frame";
                return -1;
            }
            if (fr == NET_FRAME_DONE) {
                char *m = malloc(flen + 1);
                if (m) {
                    memcpy(m, frame, flen);
                    m[flen] = 0;
                }
                net_wipe_free(frame, flen);
                sodium_memzero(buf, sizeof buf);
                if (!m) {
                    *why = "out of memory";
                    return -1;
                }
                *msg = m;
                *mlen = flen;
                return 1;
            }
        }
        sodium_memzero(buf, sizeof buf);
    }
}

/* Back to blocking I/O with timeouts, for the roster sent at the end. */
static void make_blocking(int fd)
{
    int fl = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    set_io_timeout(fd, DISCOVERY_IO_TIMEOUT_MS);
}

int discovery_lead(const DiscoveryLeader *c, char **roster, char *err, size_t errlen)
{
    *roster = NULL;
    signal(SIGPIPE, SIG_IGN);
    char *token = getenv(DISCOVERY_TOKEN_ENV), *ctoken = getenv(DISCOVERY_CLIENT_TOKEN_ENV);
    if (!token || !*token)
        return errf(err, errlen, DISCOVERY_BAD_CONFIG,
                    "--leader needs " DISCOVERY_TOKEN_ENV " set (the token every party must present)");
    if (c->n_clients > 0 && (!ctoken || !*ctoken))
        return errf(err, errlen, DISCOVERY_BAD_CONFIG,
                    "--leader with --clients needs " DISCOVERY_CLIENT_TOKEN_ENV
                    " set (the token every client must present; not " DISCOVERY_TOKEN_ENV ")");
    if (sodium_init() < 0) return errf(err, errlen, DISCOVERY_BAD_CONFIG, "libsodium cannot be initialised");
    if (c->n_parties < 1 || c->n_parties > 255)
        return errf(err, errlen, DISCOVERY_BAD_CONFIG, "--leader needs --n-parties N (1..255)");
    if (!c->party_keys && !c->insecure_any_party_key && c->n_parties > 1)
        return errf(err, errlen, DISCOVERY_BAD_CONFIG,
                    "refusing to lead without --party-keys FILE (the keys that may take a party seat): with the "
                    "token alone, whoever learns it takes free party seats with fresh keys; "
                    "--insecure-any-party-key seats any key holding " DISCOVERY_TOKEN_ENV);
    if (!c->party_keys && c->n_parties > 1)
        fprintf(stderr,
                "stoffel-discovery [leader]: warning: --insecure-any-party-key: any key holding " DISCOVERY_TOKEN_ENV
                " can take a party seat\n");
    /* want[0] admits parties, want[1] clients (zero: no client can match) */
    unsigned char want[2][32] = { { 0 } };
    token_hash(token, strlen(token), want[0]);
    if (c->n_clients > 0) token_hash(ctoken, strlen(ctoken), want[1]);
    /* only the hashes are kept: the tokens leave the environment (and
     * /proc/PID/environ) */
    sodium_memzero(token, strlen(token));
    unsetenv(DISCOVERY_TOKEN_ENV);
    if (ctoken) {
        sodium_memzero(ctoken, strlen(ctoken));
        unsetenv(DISCOVERY_CLIENT_TOKEN_ENV);
    }
    /* one token for both roles would let every client take party seats */
    if (c->n_clients > 0 && sodium_memcmp(want[0], want[1], 32) == 0) {
        sodium_memzero(want, sizeof want);
        return errf(err, errlen, DISCOVERY_BAD_CONFIG,
                    DISCOVERY_CLIENT_TOKEN_ENV " must differ from " DISCOVERY_TOKEN_ENV
                                               " (a client holding the parties' token could take party seats)");
    }
    uint8_t leader_kid[NET_KEY_ID_LEN];
    Lobby *lobby = calloc(1, sizeof *lobby);
    SSL_CTX *ctx = lobby ? make_ctx(c->key_path, c->cert_path, leader_kid, err, errlen) : NULL;
    if (!ctx) {
        sodium_memzero(want, sizeof want);
        free(lobby);
        return lobby ? DISCOVERY_BAD_CONFIG : errf(err, errlen, DISCOVERY_BAD_CONFIG, "out of memory");
    }
    lobby->ctx = ctx;
    uint32_t others = c->n_party_keys - (c->party_keys && key_listed(c->party_keys, c->n_party_keys, leader_kid));
    int lfd = c->party_keys && others < c->n_parties - 1
                  ? errf(err, errlen, DISCOVERY_BAD_CONFIG,
                         "--party-keys lists %u keys besides the leader's, too few for %u more parties", others,
                         c->n_parties - 1)
                  : listen_at(c->bind, err, errlen);
    if (lfd < 0) {
        sodium_memzero(want, sizeof want);
        SSL_CTX_free(ctx);
        free(lobby);
        return lfd;
    }
    uint32_t want_p = c->n_parties - 1, want_c = c->n_clients, np = 0, nc = 0;
    Seats seats = {
        .n = want_c, .expect = c->expected_clients, .party_keys = c->party_keys, .n_party_keys = c->n_party_keys
    };
    Registrant *regs = calloc((size_t)want_p + want_c + 1, sizeof *regs);
    int rc = DISCOVERY_OK;
    int64_t deadline = net_now_ms() + (c->timeout_ms > 0 ? c->timeout_ms : 60000);
    fprintf(stderr, "stoffel-discovery [leader]: waiting on %s for %u parties and %u clients\n", c->bind, want_p,
            want_c);
    /* Every registration in progress is served at once (poll), each under
     * its own absolute deadline. */
    while (regs && (np < want_p || nc < want_c)) {
        int64_t now = net_now_ms(), left = deadline - now;
        if (left <= 0) {
            rc = errf(err, errlen, DISCOVERY_TIMEOUT, "only %u of %u parties and %u of %u clients registered in time",
                      np + 1, c->n_parties, nc, want_c);
            break;
        }
        struct pollfd pf[DISCOVERY_MAX_PENDING + 1];
        pf[0] = (struct pollfd){ lfd, POLLIN, 0 };
        int64_t wait = left > 1000 ? 1000 : left;
        for (unsigned i = 0; i < lobby->npend; i++) {
            pf[i + 1] = (struct pollfd){ lobby->pend[i].fd, lobby->pend[i].events, 0 };
            int64_t d = lobby->pend[i].deadline - now;
            if (d < wait) wait = d > 0 ? d : 0;
        }
        unsigned npf = lobby->npend + 1;
        if (poll(pf, npf, (int)wait) < 0 && errno != EINTR) continue;
        /* registrations first (from the back: pending_drop moves the last one) */
        for (unsigned i = npf - 1; i >= 1; i--) {
            Pending *p = &lobby->pend[i - 1];
            char *msg = NULL;
            size_t mlen = 0;
            const char *why = NULL;
            int st = 0;
            if (pf[i].revents) st = pending_step(p, &msg, &mlen, &why);
            if (st == 0 && net_now_ms() >= p->deadline) {
                st = -1;
                why = p->handshaken ? "no complete registration within the deadline"
                                    : "no TLS handshake within the deadline";
            }
            if (st == 0) continue;
            Registrant *reg = &regs[np + nc];
            memset(reg, 0, sizeof *reg);
            X509 *pc = st == 1 ? SSL_get0_peer_certificate(p->ssl) : NULL;
            if (st == 1 && (!pc || net_key_id_of_cert(pc, reg->kid) != 0))
                why = "no usable certificate";
            else if (st == 1)
                why = check_registration(msg, mlen, want, reg, regs, np + nc, leader_kid, want_p - np, want_c - nc,
                                         &seats);
            snprintf(reg->from, sizeof reg->from, "%s", p->from);
            if (msg) sodium_memzero(msg, mlen);
            free(msg);
            if (why) {
                if (p->handshaken) {
                    char reply[300];
                    int rl = snprintf(reply, sizeof reply, "error %s\n", why);
                    make_blocking(p->fd);
                    send_frame(p->ssl, reply, (size_t)rl);
                }
                lobby_log(lobby, "registration from %s refused: %s", p->from, why);
                pending_drop(lobby, i - 1);
                continue;
            }
            reg->ssl = p->ssl;
            reg->fd = p->fd;
            make_blocking(p->fd);
            net_frame_free(&p->dec);
            lobby->pend[i - 1] = lobby->pend[--lobby->npend];
            char hex[2 * NET_KEY_ID_LEN + 1];
            net_hex(reg->kid, NET_KEY_ID_LEN, hex);
            if (reg->party)
                np++;
            else
                nc++;
            fprintf(stderr, "stoffel-discovery [leader]: %s registered from %s (%s, key %.16s...)\n",
                    reg->party ? "party" : "client", reg->from, reg->party ? reg->addr : "no address", hex);
            if (np == want_p && nc == want_c) break;
        }
        if (pf[0].revents & POLLIN) lobby_accept(lobby, lfd);
    }
    while (lobby->npend) pending_drop(lobby, lobby->npend - 1);
    sodium_memzero(want, sizeof want);
    close(lfd);
    if (!regs) rc = errf(err, errlen, DISCOVERY_BAD_CONFIG, "out of memory");
    /* the roster: the leader is party 0, the others in registration order */
    size_t cap = 512 + (size_t)(want_p + want_c + 1) * 400;
    char *text = rc == DISCOVERY_OK ? malloc(cap) : NULL;
    if (rc == DISCOVERY_OK && !text) rc = errf(err, errlen, DISCOVERY_BAD_CONFIG, "out of memory");
    if (text) {
        char hex[2 * NET_KEY_ID_LEN + 1];
        net_hex(leader_kid, NET_KEY_ID_LEN, hex);
        size_t off =
            (size_t)snprintf(text, cap, "# formed by stoffel-run --leader %s\nparty 0 %s %s\n", c->bind, c->bind, hex);
        uint32_t pi = 1, ci = 0;
        for (uint32_t i = 0; i < np + nc; i++) {
            net_hex(regs[i].kid, NET_KEY_ID_LEN, hex);
            if (regs[i].party)
                off += (size_t)snprintf(text + off, cap - off, "party %u %s %s\n", pi++, regs[i].addr, hex);
        }
        /* clients: claimed seats first, the others fill the free ones in
         * registration order */
        for (uint32_t i = 0; i < np + nc; i++) {
            if (regs[i].party || regs[i].seat >= 0) continue;
            bool taken = true;
            while (taken) {
                taken = false;
                for (uint32_t j = 0; j < np + nc && !taken; j++) taken = !regs[j].party && regs[j].seat == ci;
                if (taken) ci++;
            }
            regs[i].seat = ci++;
        }
        for (uint32_t seat = 0; seat < nc; seat++)
            for (uint32_t i = 0; i < np + nc; i++)
                if (!regs[i].party && regs[i].seat == seat) {
                    net_hex(regs[i].kid, NET_KEY_ID_LEN, hex);
                    off += (size_t)snprintf(text + off, cap - off, "client %u %s\n", seat, hex);
                }
        pi = 1;
        for (uint32_t i = 0; i < np + nc; i++) {
            char head[80];
            int hl = snprintf(head, sizeof head, "ok %s %u threshold %u\n", regs[i].party ? "party" : "client",
                              regs[i].party ? pi++ : (unsigned)regs[i].seat, c->threshold);
            size_t tl = (size_t)hl + off;
            char *reply = malloc(tl);
            if (!reply || (memcpy(reply, head, (size_t)hl), memcpy(reply + hl, text, off),
                           send_frame(regs[i].ssl, reply, tl) != 0))
                fprintf(stderr, "stoffel-discovery [leader]: cannot send the roster to registrant %u (%s)\n", i,
                        regs[i].party ? regs[i].addr : "client");
            free(reply);
        }
        *roster = text;
    }
    for (uint32_t i = 0; regs && i < np + nc; i++) ssl_close(regs[i].ssl, regs[i].fd);
    free(regs);
    SSL_CTX_free(ctx);
    free(lobby);
    return rc;
}

/* ---- a registrant ------------------------------------------------------------------ */

static int dial(const char *leader, int64_t deadline, char *err, size_t errlen)
{
    char host[256], port[16];
    if (!split_addr(leader, host, sizeof host, port, sizeof port))
        return errf(err, errlen, DISCOVERY_BAD_CONFIG, "--bootstrap needs HOST:PORT, got '%s'", leader);
    char why[300] = "timed out";
    while (net_now_ms() < deadline) {
        struct addrinfo hints, *res = NULL;
        memset(&hints, 0, sizeof hints);
        hints.ai_socktype = SOCK_STREAM;
        int g = getaddrinfo(host, port, &hints, &res);
        if (g != 0) return errf(err, errlen, DISCOVERY_CONNECT, "cannot resolve %s: %s", leader, gai_strerror(g));
        for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
            int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
            if (fd < 0) continue;
            set_io_timeout(fd, 2000);
            if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
                freeaddrinfo(res);
                return fd;
            }
            snprintf(why, sizeof why, "%s", strerror(errno));
            close(fd);
        }
        freeaddrinfo(res);
        usleep(200 * 1000);
    }
    return errf(err, errlen, DISCOVERY_CONNECT, "cannot reach the leader at %s: %s", leader, why);
}

int discovery_join(const DiscoveryJoin *c, char **roster, uint32_t *index, uint32_t *threshold, char *err,
                   size_t errlen)
{
    *roster = NULL;
    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0) return errf(err, errlen, DISCOVERY_BAD_CONFIG, "libsodium cannot be initialised");
    char h[256], p[16];
    if (!c->client && (!c->addr || !split_addr(c->addr, h, sizeof h, p, sizeof p)))
        return errf(err, errlen, DISCOVERY_BAD_CONFIG,
                    "a bootstrapping party needs --bind HOST:PORT (where the other parties dial it)");
    uint8_t pin[NET_KEY_ID_LEN];
    if (c->leader_key_id) {
        if (!net_unhex(c->leader_key_id, pin, NET_KEY_ID_LEN))
            return errf(err, errlen, DISCOVERY_BAD_CONFIG, "--leader-key-id needs 64 hex digits");
    } else if (!c->insecure_no_pin) {
        /* unpinned, the token goes to whoever answers at that address */
        return errf(err, errlen, DISCOVERY_BAD_CONFIG,
                    "refusing to register with the leader at %s without --leader-key-id HEX (its key id: "
                    "`stoffel-keygen --key-id LEADER.crt`); --insecure-no-leader-pin accepts any key",
                    c->leader);
    } else {
        fprintf(stderr,
                "stoffel-discovery: warning: --insecure-no-leader-pin: the leader at %s is not pinned; "
                "whoever answers there receives this node's token\n",
                c->leader);
    }
    uint8_t own[NET_KEY_ID_LEN];
    SSL_CTX *ctx = make_ctx(c->key_path, c->cert_path, own, err, errlen);
    if (!ctx) return DISCOVERY_BAD_CONFIG;
    int64_t deadline = net_now_ms() + (c->timeout_ms > 0 ? c->timeout_ms : 60000);
    int fd = dial(c->leader, deadline, err, errlen);
    if (fd < 0) {
        SSL_CTX_free(ctx);
        return fd;
    }
    set_io_timeout(fd, DISCOVERY_IO_TIMEOUT_MS);
    SSL *ssl = SSL_new(ctx);
    int rc = DISCOVERY_OK;
    char *msg = NULL;
    size_t mlen = 0;
    ERR_clear_error();
    uint8_t lk[NET_KEY_ID_LEN];
    X509 *pc = NULL;
    if (!ssl || SSL_set_fd(ssl, fd) != 1 || SSL_connect(ssl) != 1) {
        rc = errf(err, errlen, DISCOVERY_CONNECT, "TLS handshake with the leader at %s failed (%s)", c->leader,
                  ssl_reason());
    } else if (!(pc = SSL_get0_peer_certificate(ssl)) || net_key_id_of_cert(pc, lk) != 0) {
        rc = errf(err, errlen, DISCOVERY_CONNECT, "the leader at %s presented no usable certificate", c->leader);
    } else if (c->leader_key_id && memcmp(lk, pin, NET_KEY_ID_LEN) != 0) {
        char hex[2 * NET_KEY_ID_LEN + 1];
        net_hex(lk, NET_KEY_ID_LEN, hex);
        rc = errf(err, errlen, DISCOVERY_CONNECT, "the leader at %s presented key %s, not --leader-key-id %s",
                  c->leader, hex, c->leader_key_id);
    } else {
        /* each role presents its own token (docs/network.md) */
        const char *env = c->client ? DISCOVERY_CLIENT_TOKEN_ENV : DISCOVERY_TOKEN_ENV;
        char *token = getenv(env);
        size_t tl = token ? strlen(token) : 0;
        size_t cap = 400 + tl;
        char *reg = malloc(cap);
        char claim[32] = "";
        if (c->client && c->has_index) snprintf(claim, sizeof claim, "index %u\n", c->index);
        int n = reg ? snprintf(reg, cap, "stoffel-register 1\nrole %s\n%s%s%s%stoken %s",
                               c->client ? "client" : "party", c->client ? "" : "addr ", c->client ? "" : c->addr,
                               c->client ? "" : "\n", claim, token ? token : "")
                    : -1;
        /* the token is needed once: out of the environment now */
        if (token) {
            sodium_memzero(token, tl);
            unsetenv(env);
        }
        if (n < 0 || send_frame(ssl, reg, (size_t)n) != 0)
            rc = errf(err, errlen, DISCOVERY_CONNECT, "cannot send the registration to %s (%s)", c->leader,
                      ssl_reason());
        if (reg) sodium_memzero(reg, cap);
        free(reg);
        /* the roster comes when every node has registered */
        int left = (int)(deadline - net_now_ms());
        set_io_timeout(fd, left > 1000 ? left : 1000);
        if (rc == DISCOVERY_OK && recv_frame(ssl, &msg, &mlen) != 0)
            rc = errf(err, errlen, DISCOVERY_CONNECT, "no roster from the leader at %s (%s)", c->leader,
                      errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : "connection closed");
    }
    ssl_close(ssl, fd);
    SSL_CTX_free(ctx);
    if (rc != DISCOVERY_OK) return rc;
    char *nl = strchr(msg, '\n');
    if (strncmp(msg, "error ", 6) == 0) {
        if (nl) *nl = 0;
        rc = errf(err, errlen, DISCOVERY_REFUSED, "the leader at %s refused the registration: %s", c->leader, msg + 6);
        free(msg);
        return rc;
    }
    char role[16];
    unsigned idx, t;
    if (!nl || sscanf(msg, "ok %15s %u threshold %u", role, &idx, &t) != 3 ||
        strcmp(role, c->client ? "client" : "party") != 0) {
        free(msg);
        return errf(err, errlen, DISCOVERY_CONNECT, "the leader at %s sent an unexpected reply", c->leader);
    }
    if (c->client && c->has_index && idx != c->index) {
        free(msg);
        return errf(err, errlen, DISCOVERY_CONNECT, "the leader at %s seated this client at %u, not --client-index %u",
                    c->leader, idx, c->index);
    }
    /* the roster's party 0 must be the leader we talked to */
    Roster r;
    char rerr[512];
    if (roster_parse(nl + 1, strlen(nl + 1), &r, rerr, sizeof rerr) != 0) {
        free(msg);
        return errf(err, errlen, DISCOVERY_CONNECT, "the leader's roster is invalid: %s", rerr);
    }
    bool leader_ok = r.n_parties > 0 && memcmp(r.nodes[0].key_id, lk, NET_KEY_ID_LEN) == 0;
    roster_free(&r);
    if (!leader_ok) {
        free(msg);
        return errf(err, errlen, DISCOVERY_CONNECT, "the leader's roster does not list the leader as party 0");
    }
    *roster = strdup(nl + 1);
    free(msg);
    if (!*roster) return errf(err, errlen, DISCOVERY_BAD_CONFIG, "out of memory");
    *index = idx;
    *threshold = t;
    return DISCOVERY_OK;
}
