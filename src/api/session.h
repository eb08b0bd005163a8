/* session.h: one MPC party's lifecycle over a Transport, and the client-side
 * helpers both session kinds share.  Internal to src/api: local_mpc.c runs
 * it in n threads over the in-process transport, net_mpc.c once per
 * process over TLS.
 *
 * A party: creates its VM and loads the program, creates its MPC engine on
 * the transport, makes preprocessing, collects the clients' inputs,
 * attaches the engine, runs the entry function, and then either sends a
 * secret result (a share or an array of shares) to every client - never
 * opening it - or formats a clear result.
 *
 * What differs between the two kinds is an option here, not a copy:
 *   - preprocessing: always what the manifest counts (format >= 8); when it
 *     counts nothing, `fallback_triples` triples up front.  A networked
 *     party asks for 1 (one batch): preprocessing survives cheating
 *     dealers (docs/mpc.md) but not a party dropping out mid-way, so it must
 *     happen while every party is known to be connected, and the online
 *     phase can then survive t parties failing.  Threads of one process
 *     cannot drop out, so the local session asks for 0 (made on demand);
 *   - where `print` goes (`write`, or dropped with `quiet`);
 *   - the fault a test injects, and a hook just before the online phase;
 *   - how the outcome is reported: the runner returns the failed stage and
 *     a message, the caller maps it to its exit codes and output. */
#ifndef STOFFEL_API_SESSION_H
#define STOFFEL_API_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytecode/program.h"
#include "core/format.h"
#include "mpc/engine.h"
#include "api/cost_report.h"

typedef struct {
    const StfProgram *prog;
    const char *entry;    /* NULL = "main" */
    Transport *transport; /* this party's endpoint (not owned) */
    uint32_t n, t, self, n_clients;
    const uint32_t *client_inputs; /* inputs expected per client */
    /* Non-NULL: client_inputs are what each client declared in its hello
     * (networked, no manifest or flag gives them): the parties agree on
     * them first (mpc_agree_client_inputs) and refuse a client that
     * declared different counts to different parties. */
    bool agree_client_inputs;
    const Field *field;
    uint64_t instance;
    int timeout_ms;                                        /* per protocol wait; 0 = the engine's default */
    size_t fallback_triples;                               /* see above */
    MpcFault fault;                                        /* tests only */
    bool quiet;                                            /* drop `print` output */
    void (*write)(void *ud, const char *text, size_t len); /* NULL = stdout */
    void *write_ud;
    void (*before_online)(void);  /* testing aid, may be NULL */
    void (*before_preproc)(void); /* testing aid, may be NULL */
    bool wrong_output_types;      /* testing aid: send other output types than the shares have */
    /* --local-store / --preproc-store (NULL = none).  per_party_stores:
     * party I uses PATH.partyI (several parties in one process).  The
     * preprocessing store is bound to store_session, which must stay the
     * same across runs of one session (the instance is fresh every run):
     * the roster's and --session's id over TLS, 0 in process. */
    const char *local_store, *preproc_store;
    bool per_party_stores;
    uint64_t store_session;
    PartyCost *cost;         /* non-NULL: count messages and rounds here */
    FILE *progress;          /* non-NULL: progress lines for long waits (cost_report.h) */
    const Group *avss_group; /* AVSS backend: its curve group; NULL = HoneyBadger */
    FILE *trace;             /* non-NULL: trace execution here (STOFFEL_TRACE_* in trace_flags) */
    unsigned trace_flags;
    /* The VM's limits (VmConfig's; 0 = its default).  heap_limit also caps
     * the MPC engine's buffers, charged to the same heap. */
    uint32_t max_call_depth;
    uint64_t instruction_budget;
    size_t heap_limit;
} PartySpec;

/* Where a party stopped. */
typedef enum {
    PARTY_DONE = 0,
    PARTY_FAILED_VM,        /* no memory for a VM */
    PARTY_FAILED_LOAD,      /* the program does not load: err is the VM's message */
    PARTY_FAILED_ENGINE,    /* the engine rejects the configuration */
    PARTY_FAILED_SETUP,     /* preprocessing, client input or attaching failed */
    PARTY_FAILED_EXECUTE,   /* the program failed: err, exec_function, exec_index */
    PARTY_FAILED_NO_CLIENT, /* a secret result but no client to deliver it to */
    PARTY_FAILED_DELIVER,   /* sending the result to a client failed */
} PartyStage;

/* The types of the shares a party delivered (StShare's kind, bits, frac). */
typedef struct {
    uint8_t kind; /* 0 int, 1 fixed, 2 uint */
    uint32_t bits, frac;
} SessionShareType;

typedef struct {
    PartyStage stage;
    char err[512];               /* "party I: ..." except for LOAD and EXECUTE */
    char *exec_function;         /* EXECUTE: where, or NULL */
    int64_t exec_index;          /* EXECUTE: instruction, or -1 */
    char *clear_text;            /* DONE with a clear result: as printed */
    SessionShareType *delivered; /* DONE with a secret result */
    size_t ndelivered;
    bool flush; /* failed, but what was queued to the clients (a refusal) must still go out */
} PartyOutcome;

/* Run one party's whole session; *out is always filled (free it with
 * party_outcome_free). */
void party_run_session(const PartySpec *spec, PartyOutcome *out);
void party_outcome_free(PartyOutcome *out);

/* ---- client side ----------------------------------------------------------- */

/* How input `index` of client `client` is encoded: the manifest says so
 * (format >= 2; an input a manifest with clients does not list is an
 * integer); without a manifest, a program that only takes fixed-point
 * client shares gets fixed-point inputs, any other integers.  prog may be
 * NULL (integers). */
MpcInputKind session_input_kind(const StfProgram *prog, uint32_t client, uint32_t index);

/* Encode one input text by that kind; false if it is not a usable number. */
bool session_encode_input(const Field *f, MpcInputKind kind, const char *text, Fe *out);

/* Append a reconstructed value: "true"/"false" for a 1-bit integer, a
 * float for fixed point with `frac` fractional bits, an integer, or
 * "field 0x..." when it is no signed 64-bit value. */
void session_format_value(const Field *f, const Fe *x, bool boolean, bool fixed, uint32_t frac, StrBuf *b);

/* A reconstructed fixed-point value must fit its type (bits total, signed,
 * frac fractional): 0, or -1 with msg "fixed-point output INDEX of client
 * CLIENT is out of the range of fixBITS (f=FRAC)" - printing it as a raw
 * field element would pass garbage off as a result. */
int session_check_fixed(const Field *f, const Fe *x, uint32_t bits, uint32_t frac, size_t index, uint32_t client,
                        char *msg, size_t msglen);

#endif
