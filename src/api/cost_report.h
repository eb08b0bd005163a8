/* cost_report.h: what an MPC session cost, per party (--stats,
 * --stats-json, --trace, --stats-svg).  Internal to src/api.
 *
 * The counters come from two places: the engine's own (MpcStats: rounds,
 * preprocessing made and used) and a Transport wrapper that sees every
 * message the party sends and receives.  The wrapper also keeps a timeline:
 * consecutive messages of one phase and one online round form a segment,
 * which lasts until the next segment starts (or the party ends).  The
 * message kind (byte 1 of the header, docs/mpc.md "Messages") says the
 * phase. */
#ifndef STOFFEL_API_COST_REPORT_H
#define STOFFEL_API_COST_REPORT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "mpc/engine.h"
#include "net/transport.h"

typedef enum { COST_PREPROCESSING = 0, COST_INPUT, COST_ONLINE, COST_OUTPUT, COST_PHASES } CostPhase;

typedef struct {
    uint8_t phase;             /* CostPhase */
    uint64_t round;            /* online rounds completed before it */
    uint64_t start_us, dur_us; /* from the party's start */
    uint64_t messages, bytes;  /* sent in it */
} CostSegment;

typedef struct {
    uint32_t party;
    uint64_t rounds, opened, multiplications, truncations;
    uint64_t msgs_sent, bytes_sent, msgs_recv, bytes_recv;
    uint64_t triples_used, randoms_used, bits_used;
    uint64_t triples_made, randoms_made, bits_made;
    uint64_t phase_us[COST_PHASES]; /* time in each phase's segments */
    uint64_t total_us;
    CostSegment *seg;
    size_t nseg, cap;
    int truncated; /* the timeline reached its bound */
} PartyCost;

/* The wrapper: use &ct->base as the engine's transport. */
typedef struct {
    Transport base;
    Transport *inner;
    PartyCost *cost;
    const MpcEngine *engine; /* set once created; its round counter labels segments */
    uint64_t t0_ns;
    pthread_mutex_t lock;
    PartyCost own; /* counts here when only progress is asked for */
    /* Progress (--quiet turns it off): a line at most once a second while
     * preprocessing or a wait for other nodes has lasted over a second. */
    FILE *progress;
    uint64_t last_activity_ns, last_print_ns;
    uint64_t every_ns; /* STOFFEL_PROGRESS_MS, default a second */
} CostTransport;

/* Wraps inner when cost or progress is non-NULL (returns &ct->base), else
 * returns inner. */
Transport *cost_report_wrap(CostTransport *ct, Transport *inner, PartyCost *cost, FILE *progress, uint32_t party);
void cost_report_set_engine(CostTransport *ct, const MpcEngine *e);
/* Closes the timeline and copies the engine's counters (e may be NULL). */
void cost_report_finish(CostTransport *ct, const MpcEngine *e);

void party_cost_free(PartyCost *c);

/* The public report (stoffel.h): n parties' costs, owned. */
struct StoffelCostReport {
    uint32_t n;
    PartyCost *parties;
};

/* Hands n parties' costs (*costs, then NULL) to a public report; NULL
 * (and the costs freed) if no party ran. */
struct StoffelCostReport *cost_report_of_parties(PartyCost **costs, uint32_t n, bool ran);

/* The formats of the report of n parties (malloc'd text, NULL without memory). */
typedef enum { COST_TEXT = 0, COST_JSON, COST_TRACE, COST_SVG } CostFormat;
char *cost_report_format(const PartyCost *parties, uint32_t n, CostFormat format);

#endif
