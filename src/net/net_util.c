/* net_util.c: helpers shared by the network modules. */
#include "net/net_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int net_verrf(char *err, size_t errlen, const char *fmt, va_list ap)
{
    if (err && errlen) vsnprintf(err, errlen, fmt, ap);
    return -1;
}

int net_errf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    net_verrf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

void net_wipe_free(void *p, size_t len)
{
    if (!p) return;
    sodium_memzero(p, len);
    free(p);
}

bool net_log_allow(NetLogLimit *l, unsigned *dropped)
{
    int64_t now = net_now_ms();
    if (now - l->second >= 1000) {
        l->second = now;
        l->logged = 0;
    }
    if (l->logged >= NET_LOG_BURST) {
        l->suppressed++;
        return false;
    }
    l->logged++;
    *dropped = l->suppressed;
    l->suppressed = 0;
    return true;
}

void net_addr_host(const struct sockaddr *sa, char *out, size_t outlen)
{
    snprintf(out, outlen, "?");
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)outlen);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)outlen);
}
