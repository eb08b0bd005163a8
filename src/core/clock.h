/* clock.h: the monotonic clock, for timeouts and deadlines (never the wall
 * clock, which may jump). */
#ifndef STOFFEL_CLOCK_H
#define STOFFEL_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t mono_now_ms(void);
/* The same clock in microseconds. */
int64_t mono_now_us(void);

/* *deadline = now + ms on CLOCK_MONOTONIC, normalised (for
 * pthread_cond_timedwait on a condition variable using that clock). */
void mono_deadline(struct timespec *deadline, int64_t ms);

#endif
