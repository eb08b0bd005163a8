/* net_util.c: helpers shared by the network modules. */
#include "net/net_util.h"

#include <stdio.h>
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

