/* net_util.h: helpers shared by the network transport, the roster and
 * discovery. */
#ifndef STOFFEL_NET_UTIL_H
#define STOFFEL_NET_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Format an error message into err (if given); returns -1. */
int net_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int net_verrf(char *err, size_t errlen, const char *fmt, va_list ap);

/* The monotonic clock (core/clock.h): net_now_ms() = mono_now_ms(). */
#include "core/clock.h"
#define net_now_ms mono_now_ms

#endif
