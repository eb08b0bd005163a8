/* net_util.h: helpers shared by the network transport, the roster and
 * discovery. */
#ifndef STOFFEL_NET_UTIL_H
#define STOFFEL_NET_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Format an error message into err (if given); returns -1. */
int net_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int net_verrf(char *err, size_t errlen, const char *fmt, va_list ap);

/* The monotonic clock (core/clock.h): net_now_ms() = mono_now_ms(). */
#include "core/clock.h"
#define net_now_ms mono_now_ms

struct sockaddr;
/* The host part of a socket address ("127.0.0.1", "::1"), without port. */
void net_addr_host(const struct sockaddr *sa, char *out, size_t outlen);

/* Wipes len bytes at p, then frees it (p may be NULL): for buffers that
 * held messages, which may carry shares. */
void net_wipe_free(void *p, size_t len);

/* Rate limit for log lines about rejected connections, so a flood cannot
 * flood the log too: at most NET_LOG_BURST lines per second. */
#define NET_LOG_BURST 10
typedef struct {
    int64_t second;              /* start of the current one-second window */
    unsigned logged, suppressed; /* lines in it; lines dropped since the last logged one */
} NetLogLimit;
/* True if a line may be logged now; then *dropped receives how many were
 * suppressed before it (to mention), and the count restarts. */
bool net_log_allow(NetLogLimit *l, unsigned *dropped);

#endif
