/* engine.h: one party's MPC engine, the only MPC interface the VM uses.
 *
 * Protocol family: HoneyBadgerMPC-style over Shamir sharing with evaluation
 * points x_i = i+1, n >= 3t+1 (spec/mpc.md §3, §8):
 *   - preprocessing made by the parties themselves: random shares (RanSha),
 *     double shares (RanDouSha) and Beaver triples (DN07 degree reduction),
 *     random bits (square-root trick), each consumed exactly once;
 *   - every opening is robust: all-to-all share exchange, then Reed-Solomon
 *     decoding (robust.h) that corrects up to t wrong shares and never
 *     returns a wrong value; missing shares are waited for with a timeout;
 *   - multiplication by Beaver triples; all openings and multiplications of
 *     one call to mpc_round travel in one communication round;
 *   - fixed point: probabilistic truncation (Catrina-Saxena TruncPr) with
 *     statistical security MPC_KAPPA bits;
 *   - clients: inputs by masking with a preprocessed random share
 *     (HoneyBadgerMPC §4.1), outputs by sending shares to the client, which
 *     reconstructs robustly.
 *
 * All parties must make the same sequence of calls (they run the same
 * program on the same public data); every message carries a sequence
 * number so a faulty or slow party cannot mix rounds.  Functions return 0 on
 * success, -1 on failure with mpc_error() naming the problem and, where one
 * is to blame, the peer. */
#ifndef STOFFEL_MPC_ENGINE_H
#define STOFFEL_MPC_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpc/fixed.h" /* the fixed-point encoding shares and clients use */
#include "crypto/group.h"
#include "mpc/field.h"
#include "net/transport.h"

#define MPC_KAPPA 40            /* statistical security of truncation */
#define MPC_FIXED_TOTAL_BITS 64 /* default fixed-point precision (upstream) */
#define MPC_FIXED_FRAC_BITS 16

typedef struct MpcEngine MpcEngine;

/* How a client's input is encoded into the field. */
typedef enum { MPC_INPUT_INT = 0, MPC_INPUT_FIXED = 1 } MpcInputKind;

/* Misbehaviour to inject, for tests of robustness only.  Both apply to the
 * online phase and the client protocol (openings, masks, echo, outputs);
 * preprocessing runs honestly (its own test hooks: docs/mpc.md "Preprocessing
 * with cheating parties"). */
typedef enum {
    MPC_FAULT_NONE = 0,
    MPC_FAULT_WRONG_SHARES, /* send random values instead of shares in every opening */
    MPC_FAULT_SILENT,       /* send nothing at all */
} MpcFault;

typedef struct {
    uint32_t n;                    /* parties */
    uint32_t t;                    /* faults tolerated; n >= 3t+1 */
    uint32_t party;                /* this party's id, 0-based */
    uint32_t n_clients;            /* client node ids are n .. n+n_clients-1 */
    const uint32_t *client_inputs; /* inputs expected from each client */
    const Field *field;            /* NULL = BLS12-381 Fr */
    uint64_t instance_id;          /* bound into every message */
    int timeout_ms;                /* per wait; <= 0 = default 10,000 ms */
    size_t triple_batch;           /* triples made per preprocessing run; 0 = default */
    MpcFault fault;                /* tests only */
} MpcConfig;

typedef struct {
    uint64_t rounds;          /* communication rounds of the online phase */
    uint64_t opened;          /* values opened */
    uint64_t multiplications; /* Beaver multiplications */
    uint64_t triples_made, triples_used;
    uint64_t randoms_made, randoms_used;
    uint64_t bits_made, bits_used;
    uint64_t truncations;
    uint64_t bytes_sent;
    uint64_t bad_messages;  /* dropped: malformed, wrong instance/kind/length/sender */
    uint64_t send_failures; /* a peer's queue was full (its problem, not fatal here) */
    /* What the running (or last) mpc_preprocess call aims at: triples_made
     * and randoms_made when it is done (progress lines show done/total). */
    uint64_t triples_goal, randoms_goal;
    /* Preprocessing dealings left out of extraction (a party proven faulty,
     * or in a dispute), summed over runs (docs/mpc.md). */
    uint64_t dealings_excluded;
    /* Parties this one asked to send every share of an opening at once
     * (MK_EAGER: a share it decodes from was missing or wrong; docs/mpc.md
     * "Robust opening"). */
    uint64_t eager_asked;
    /* Large openings (mpc/hold.c): asks for held-back shares this party
     * sent (MK_WANT), and held-back messages never sent (their receiver
     * was past them). */
    uint64_t shares_asked, shares_withheld;
} MpcStats;

/* Memory accounting (issue 16): the engine charges the buffers that grow
 * with the work - preprocessing pools and runs, round messages and results,
 * received and early messages - to `charge` (ud, old
 * bytes, new bytes), which returns false when the growth would pass
 * `limit`.  The operation then fails with "Heap limit exceeded (LIMIT
 * bytes): ..." and the error is final: every later call fails with it.
 * Bounded scratch space (a chunk of truncation masks, the decoder cache)
 * and the client input shares (bounded by the session's input counts) are
 * not counted.  charge NULL detaches: what is charged is given back
 * first, so detach before the accountant goes away. */
typedef bool (*MpcChargeFn)(void *ud, size_t old_bytes, size_t new_bytes);
void mpc_set_mem_cap(MpcEngine *e, MpcChargeFn charge, void *ud, size_t limit);
/* Bytes the engine holds in counted buffers now, and at most so far. */
size_t mpc_mem_charged(const MpcEngine *e, size_t *peak);

/* Create a party's engine over transport t (not owned).  NULL on bad
 * configuration or no memory; *err (if given) receives a static reason. */
MpcEngine *mpc_engine_new(const MpcConfig *cfg, Transport *t, const char **err);
/* Wipes all secret material (pools, client shares). */
void mpc_engine_free(MpcEngine *e);

const char *mpc_error(const MpcEngine *e);
const Field *mpc_field(const MpcEngine *e);
uint32_t mpc_party(const MpcEngine *e);
uint32_t mpc_n(const MpcEngine *e);
uint32_t mpc_t(const MpcEngine *e);
uint64_t mpc_instance(const MpcEngine *e);
MpcStats mpc_stats(const MpcEngine *e);
/* Sleeps ns nanoseconds; a party running as a fiber (in process) lets the
 * other fibers of its worker run meanwhile.  e may be NULL. */
void mpc_pause(MpcEngine *e, uint64_t ns);
/* The secret of degree-t shares of parties[0..m-1] (0-based ids), decoded
 * robustly (up to t wrong shares corrected, never a wrong value).  0 ok,
 * -1 duplicate or invalid party ids, -2 the shares do not determine it. */
int mpc_reconstruct(const MpcEngine *e, const unsigned *parties, const Fe *shares, unsigned m, Fe *secret);

/* Make at least the given amounts of preprocessed material now (the online
 * phase also refills pools on demand, in batches). */
int mpc_preprocess(MpcEngine *e, size_t triples, size_t randoms, size_t bits);
/* Parties proven faulty in preprocessing (their dealings are excluded from
 * then on): flags[j] = 1 for those (flags may be NULL; n bytes); returns
 * how many. */
unsigned mpc_preproc_faulty(const MpcEngine *e, uint8_t *flags);
/* Warnings so far, one per line, naming parties whose dealing or check
 * values were left out and why ("" if none). */
const char *mpc_warnings(const MpcEngine *e);
/* Sends every share still held back from large online openings (docs/mpc.md
 * "Large openings hold them back"): for a party done with its openings that
 * may not receive for a while (delivering outputs), since a party whose ring
 * failed may be waiting for one.  mpc_engine_free does the same. */
void mpc_send_held(MpcEngine *e);

/* Run the client-input phase: every client's inputs arrive masked; after
 * this, mpc_client_input gives this party's share of each.  Waits for all
 * configured clients (with the timeout). */
int mpc_collect_inputs(MpcEngine *e);
uint32_t mpc_client_count(const MpcEngine *e);
/* This party's share of input `index` of client `client` (clients ordered
 * by id). */
int mpc_client_input(MpcEngine *e, uint32_t client, uint32_t index, Fe *share);

/* One communication round: opens n_open shares (open_in -> open_out, clear
 * values) and multiplies n_mul pairs (mul_x[i]*mul_y[i] -> mul_out[i],
 * shares) by Beaver triples.  Either count may be 0.  Outputs may alias
 * inputs. */
int mpc_round(MpcEngine *e, const Fe *open_in, size_t n_open, Fe *open_out, const Fe *mul_x, const Fe *mul_y,
              size_t n_mul, Fe *mul_out);

/* Probabilistic truncation of n shared values by f bits: in[i] holds a
 * signed value |v| < 2^(2k), e.g. the product of two k-bit values
 * (k <= 64); out[i] = floor(v / 2^f) or that +1.  v is hidden only inside
 * that bound.  One round, f random bits per value and a high part for
 * the rest of the mask's MPC_TRUNC_BITS(k) bits (mpc_mask_high: dealt, or
 * from random bits made ahead). */
#define MPC_TRUNC_BITS(k) (2 * (k) + 1 + MPC_KAPPA)
int mpc_truncate(MpcEngine *e, const Fe *in, size_t n, unsigned k, unsigned f, Fe *out);

/* n fresh random shares (uniform secret, unknown to everyone). */
int mpc_random(MpcEngine *e, Fe *out, size_t n);

/* n shares of uniformly random integers of `bits` bits (1..64): each the
 * sum of `bits` preprocessed random bits times powers of two, so values lie
 * in [0, 2^bits) (bits = 64: the top bit weighs -2^63, giving the whole
 * int64 range).  No online round when enough bits are preprocessed. */
int mpc_random_int(MpcEngine *e, unsigned bits, Fe *out, size_t n);

/* Send this party's shares of n values to a client, who reconstructs them
 * (mpc_client_receive_outputs). */
int mpc_send_to_client(MpcEngine *e, uint32_t client, const Fe *shares, size_t n);
/* The public type of an output value (a share's kind, width and
 * fractional bits), so a client shows it as the program typed it. */
typedef struct {
    uint8_t kind; /* 0 int, 1 fixed point, 2 unsigned */
    uint32_t bits, frac;
} MpcOutputType;
/* Sends the types of the next batch for `client`, just before its
 * mpc_send_to_client (same sequence number). */
int mpc_send_output_types(MpcEngine *e, uint32_t client, const MpcOutputType *types, size_t n);

/* The parties agree on the input counts the clients declared in their
 * hellos (docs/network.md): each party reliably broadcasts the counts it
 * saw (declared[c] for client c), and every party goes on only if every
 * party saw the same count from every client.  A client that declared
 * different counts to different parties, or more than `max`, is sent a
 * refusal (MK_REFUSE) and the error names it.  0, or -1 (mpc_error).
 * Every party must call it at the same point, before anything else uses
 * reliable broadcast. */
int mpc_agree_client_inputs(MpcEngine *e, const uint32_t *declared, uint32_t max);

/* Preprocessed material as records a persistent store can keep
 * (storage/preproc_store.h): a triple is 3 elements (a, b, c), a random
 * share or a random bit 1. */
typedef enum { MPC_MAT_TRIPLES = 0, MPC_MAT_RANDOMS = 1, MPC_MAT_BITS = 2, MPC_MAT_COUNT } MpcMaterial;
size_t mpc_material_width(MpcMaterial k);
/* Unused records of kind k in this engine's pool. */
size_t mpc_material_count(const MpcEngine *e, MpcMaterial k);
/* Appends records to the pool (used before anything the engine makes). */
int mpc_material_import(MpcEngine *e, MpcMaterial k, const Fe *elems, size_t records);
/* Moves every unused record of kind k out of the pool: the engine will
 * never use them.  *elems is malloc'd (wipe it), *records its count. */
int mpc_material_export(MpcEngine *e, MpcMaterial k, Fe **elems, size_t *records);

/* Reliable broadcast among the parties (Bracha, rbc.h), carried with the
 * engine's other messages.  mpc_rbc_broadcast starts one and returns its
 * session number (this party's 0, 1, ...).  mpc_rbc_receive waits up to
 * timeout_ms (0: only what has arrived) for the next broadcast of
 * `origin` in session order (MPC_RBC_ANY: of any other party, lowest
 * (session, party) first): 1 with *msg (malloc'd) and *from, 0 on timeout
 * (mpc_error then says what was refused meanwhile, if anything), -1 on
 * failure. */
#define MPC_RBC_ANY UINT32_MAX
int mpc_rbc_broadcast(MpcEngine *e, const uint8_t *msg, size_t len, uint64_t *session);
int mpc_rbc_receive(MpcEngine *e, uint32_t origin, int timeout_ms, uint32_t *from, uint8_t **msg, size_t *len);
/* Opening in the exponent (open_exp.c): every party sends share·base (base
 * NULL: the group's generator) and *out = secret·base, decoded robustly:
 * a degree-t polynomial in the exponent through t+1 of the received points
 * is accepted only when at least 2t+1 points lie on it, so up to t wrong,
 * malformed or missing points are tolerated and a wrong result is never
 * returned.  The group's scalar field must be the engine's field.  One
 * round; the share is secret, the points are public. */
int mpc_open_exp(MpcEngine *e, const Group *g, const Fe *share, const GroupPoint *base, GroupPoint *out);
/* The AVSS backend's random sharing / DKG (avss.c, protocol in avss.h):
 * *share = this party's share of a secret nobody knows, commit[0..t] the
 * Feldman commitments of its polynomial (commit[0] = secret·G).  rejected
 * (n bytes, may be NULL) marks the dealers whose sharing was rejected.
 * The group's scalar field must be the engine's field.  0 ok, -1 with
 * mpc_error. */
int mpc_avss_random(MpcEngine *e, const Group *g, Fe *share, GroupPoint *commit, uint8_t *rejected);

/* ---- client side ---------------------------------------------------------- */

/* Run a client node's input protocol: for each input the client receives
 * the parties' shares of a random mask r (reconstructed robustly), and
 * sends x - r to every party.  values are already field-encoded. */
int mpc_client_send_inputs(Transport *t, const Field *f, uint32_t n, uint32_t tt, uint64_t instance_id,
                           const Fe *values, size_t count, int timeout_ms, char *err, size_t errlen);
/* Receive the next batch of outputs sent with mpc_send_to_client and
 * reconstruct each robustly (never a wrong value; an error if it cannot be
 * decided).  *values is malloc'd (caller frees), *count its length. */
int mpc_client_receive_outputs(Transport *t, const Field *f, uint32_t n, uint32_t tt, uint64_t instance_id, Fe **values,
                               size_t *count, int timeout_ms, char *err, size_t errlen);

/* The same client protocol with state kept between calls, for a client that
 * receives several output batches: each mpc_client_outputs returns the next
 * batch in the order the parties sent them, and messages of a later batch
 * that arrive early are kept for the next call.  (The stateless
 * mpc_client_receive_outputs keeps nothing: it returns whichever batch
 * decodes first and drops the rest, which is right for a single batch.) */
typedef struct MpcClient MpcClient;
MpcClient *mpc_client_new(Transport *t, const Field *f, uint32_t n, uint32_t tt, uint64_t instance_id, int timeout_ms);
void mpc_client_free(MpcClient *c);
const char *mpc_client_error(const MpcClient *c);
int mpc_client_inputs(MpcClient *c, const Fe *values, size_t count);
/* The types the parties sent with the batch mpc_client_outputs returned
 * last: 1 = known (types[0..n-1] filled: what at least t+1 parties sent
 * alike; *dissenter = a party that sent different ones, else -1), 0 = the
 * parties sent none (the caller falls back to the manifest), -1 = no t+1
 * parties agree (mpc_client_error names one that differs). */
int mpc_client_output_types(MpcClient *c, MpcOutputType *types, size_t n, int64_t *dissenter);
int mpc_client_outputs(MpcClient *c, Fe **values, size_t *count);
/* True once t+1 parties refused this client (mpc_agree_client_inputs):
 * the last failure was that refusal, and waiting longer is pointless. */
bool mpc_client_refused(const MpcClient *c);
/* After a client's session failed to form (a party left while it was
 * still connecting): reads what the parties sent, up to timeout_ms or
 * until every party has gone, for refusals of this client
 * (mpc_agree_client_inputs).  1 with err saying why if t+1 parties
 * refused it, else 0.  Any instance id counts: the run's is not known
 * without every party's hello, and a party could refuse anyway. */
int mpc_client_refusals(Transport *t, const Field *f, uint32_t n, uint32_t tt, int timeout_ms, char *err,
                        size_t errlen);

#endif
