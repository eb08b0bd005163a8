/* tool_malloc.h: the command-line tools' malloc settings (header-only:
 * each tool is one translation unit).  The library never changes them:
 * an embedder keeps its own (docs/embedding.md). */
#ifndef STOFFEL_TOOL_MALLOC_H
#define STOFFEL_TOOL_MALLOC_H

#include <stdlib.h> /* defines __GLIBC__ on glibc */
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* An MPC round allocates buffers of megabytes (a batch's shares, a frame
 * per peer) and frees them at its end.  glibc's defaults map such blocks
 * fresh from the kernel and give them back, or trim them off the heap,
 * so every round faults its pages in again: over TLS, 50,000
 * multiplications a round took 7x the page faults and 10-20% more CPU
 * (docs/benchmarks.md, "Page faults after the merge").  Blocks up to 32 MB
 * (glibc's largest threshold) come from the heap instead, and up to
 * 128 MB of free heap stays mapped for the next round.
 *
 * One arena: over TLS the connection threads receive the large frames.
 * With an arena per thread, what preprocessing freed in one arena could
 * not serve the online frames another thread allocates, so each new frame
 * took fresh pages: 2,000-7,000 page faults in 8 batched rounds, none
 * with one arena, and 5-10% less CPU (docs/benchmarks.md, "One malloc
 * arena").  The tools' threads allocate little outside those frames (the
 * interpreter's hot loop allocates nothing), so the shared arena's lock
 * is seldom contended. */
static inline void tool_tune_malloc(void)
{
#ifdef __GLIBC__
    (void)mallopt(M_MMAP_THRESHOLD, 32 << 20);
    (void)mallopt(M_TRIM_THRESHOLD, 128 << 20);
    (void)mallopt(M_ARENA_MAX, 1);
#endif
}

#endif
