/* engine_internal.h: what the files of the MPC engine share (engine.c,
 * wire.c, open.c, preproc.c, online.c, client.c).  Not an interface for
 * other modules: they use engine.h. */
#ifndef STOFFEL_MPC_ENGINE_INTERNAL_H
#define STOFFEL_MPC_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "core/format.h"
#include "mpc/engine.h"
#include "mpc/robust.h"
#include "mpc/shamir.h"
#include "mpc/sqrt.h"

/* ---- wire format (docs/mpc.md "Messages") -------------------------------
 *
 *   offset  size  field
 *        0     1  version (MPC_WIRE_VERSION)
 *        1     1  kind (MsgKind)
 *        2     2  reserved, 0
 *        4     4  count: payload elements (u32 LE)
 *        8     8  instance id (u64 LE)
 *       16     8  sequence number of this kind (u64 LE)
 *       24  32·count  payload
 *
 * Between parties a field element is its Montgomery form as four 64-bit
 * little-endian limbs (all parties run this code, so no conversion on the
 * hot path); towards and from clients it is the canonical 32-byte
 * little-endian integer.  Either way a value >= p is rejected. */
#define MPC_WIRE_VERSION 1
#define MPC_HDR 24
#define MPC_ELEM 32
/* Largest payload of one message, in elements. */
#define MPC_MAX_ELEMS ((TRANSPORT_MAX_MESSAGE - MPC_HDR) / MPC_ELEM)

typedef enum {
    MK_OPEN = 1, /* party -> party: shares being opened (degree t) */
    MK_DEAL,     /* party -> party: dealt random and double sharings */
    MK_SEED,     /* party -> party: 32 random bytes for the check challenge */
    MK_CHECK,    /* party -> party: shares of the random linear combinations */
    MK_OPEN2T,   /* party -> party: degree-2t shares (triple generation) */
    MK_ECHO,     /* party -> party: masked client inputs as received */
    MK_MASK,     /* party -> client: shares of the input masks */
    MK_MASKED,   /* client -> party: input minus mask */
    MK_OUTPUT,   /* party -> client: shares of outputs */
    MK_ROOT,     /* party -> party: square roots for random bits (a slice each) */
    MK_RBC,      /* party -> party: reliable broadcast (rbc.h), bytes padded to 32 */
    MK_EXP,      /* party -> party: share times a group point (open_exp.c) */
    MK_AVSS,     /* party -> party: a dealer's share for the receiver (avss.c) */
    MK_OUTTYPE,  /* party -> client: the public types of an output batch (client.c) */
    MK_REFUSE,   /* party -> client: the session refuses this client (client.c) */
    MK_EAGER,    /* party -> party: send me every opening share at once (open_round), no payload */
    MK_WANT,     /* party -> party: send me the shares you hold back of openings up to seq (hold.c), no payload */
    MK_COUNT
} MsgKind;

typedef struct {
    uint8_t kind;
    uint32_t count;
    uint64_t instance, seq;
} MsgHdr;

void wire_put_hdr(uint8_t *buf, uint8_t kind, uint32_t count, uint64_t instance, uint64_t seq);
/* 0 if buf[0..len) has a well-formed header (known version and kind, and
 * len == MPC_HDR + 32·count); -1 otherwise. */
int wire_get_hdr(const uint8_t *buf, size_t len, MsgHdr *h);
/* Raw limbs <-> the in-memory Fe (no-ops on little-endian hosts). */
void wire_limbs_to_le(Fe *v, size_t n);
void wire_limbs_from_le(Fe *v, size_t n);
/* 1 if every one of n raw-limb elements is < p. */
int wire_check_raw(const Field *f, const Fe *v, size_t n);
/* Canonical 32-byte encodings (client messages). */
void wire_put_canon(const Field *f, uint8_t *out, const Fe *v, size_t n);
/* Decodes n canonical elements; -1 if one is >= p. */
int wire_get_canon(const Field *f, Fe *out, const uint8_t *in, size_t n);

/* ---- robust opening of a batch (open.c) ---------------------------------- */

/* RobustBatch objects by (degree, ordered sender list): building one costs
 * an inversion, so the usual sender sets are kept. */
typedef struct {
    const Field *f;
    unsigned n, t;
    uint64_t clock;
    struct {
        RobustBatch *b;
        unsigned d, m;
        uint64_t used;
        uint8_t parties[SHAMIR_MAX_PARTIES];
    } ent[DCACHE_SIZE];
} DecodeCache;

void dcache_init(DecodeCache *c, const Field *f, unsigned n, unsigned t);
void dcache_free(DecodeCache *c);

/* Decoding state of one batch opening: `count` codewords of degree d, the
 * shares of party j in row[j] (NULL until its message arrived). */
typedef struct {
    const Field *f;
    unsigned n, t, d;
    size_t count;
    const Fe *const *row;
    uint8_t *excluded; /* parties caught sending wrong shares, or NULL */
    unsigned *n_excluded;
    DecodeCache *cache;
    Fe *out;
    size_t next;    /* codewords before this went through the batch pass */
    size_t *failed; /* codewords the batch pass could not decode yet */
    size_t n_failed, failed_cap;
    unsigned m_failed; /* senders when `failed` was last tried */
    /* check_rows: received rows are raw limbs not yet checked to be < p;
     * each is checked chunk by chunk just before decoding uses it (one
     * pass over the bytes while in cache), up to checked_to[j].  A row
     * with a value >= p is not used again: bad[j] is set for the caller
     * to drop that message.  Row `self` is our own, never checked. */
    bool check_rows;
    unsigned self;
    size_t checked_to[SHAMIR_MAX_PARTIES];
    uint8_t bad[SHAMIR_MAX_PARTIES];
    signed char status[OPEN_CHUNK];
} OpenState;

void open_init(OpenState *s, const Field *f, unsigned n, unsigned t, unsigned d, size_t count, const Fe *const *row,
               uint8_t *excluded, unsigned *n_excluded, DecodeCache *cache, Fe *out);
/* Decodes what the shares received so far allow.  1: every value decoded
 * into out; 0: more shares are needed (with final set, no more will come:
 * try everything that is left); -1: no memory. */
int open_try(OpenState *s, bool final);
void open_free(OpenState *s);

/* ---- engine -------------------------------------------------------------- */

typedef struct {
    Fe a, b, c;
} Triple;

/* A FIFO of fixed-size secret records.  Taken records are wiped at once and
 * never handed out again. */
typedef struct {
    uint8_t *mem;
    size_t esz, head, n, cap; /* in records */
    size_t touched;           /* records [0, touched) were ever written; the rest was never paged in */
    struct MpcEngine *acct;   /* charged to this engine (mpc_mem_charge), or NULL */
    const char *what;         /* names the pool in a limit error */
} Pool;

int pool_append(Pool *p, size_t k, void **where);
void *pool_head(const Pool *p);
void pool_consume(Pool *p, size_t k);
/* Takes k records off the head without wiping them, for use in place: the
 * caller wipes them (sodium_memzero) when done, and before anything is
 * appended to this pool again (an append may reuse or move that memory). */
void *mpc_pool_take(Pool *p, size_t k);
void pool_free(Pool *p);

/* Early messages, kept until their round comes. */
typedef struct {
    uint8_t *msg;
    size_t len;
    uint32_t from;
    MsgHdr h;
} Stashed;

/* Messages of one (kind, seq) being collected, indexed by sender node. */
typedef struct {
    uint8_t kind;
    uint64_t seq;
    bool from_clients;      /* senders are clients, not parties */
    bool raw;               /* payload is raw limbs to validate and use as Fe */
    bool check_later;       /* raw, but the < p check is left to the decoder */
    const uint32_t *counts; /* expected count per sender node, or NULL: */
    uint32_t count;         /* ...the same count for everyone */
    uint8_t **buf;          /* n_nodes message buffers (owned) */
    unsigned nrecv;
} Gather;

struct MpcEngine {
    const Field *f;
    Transport *tr;
    uint32_t n, t, self, n_clients, n_nodes;
    uint32_t *client_inputs; /* per client */
    size_t *input_off;       /* per client: first index in inputs */
    size_t n_inputs;
    uint64_t instance;
    int timeout_ms;
    size_t triple_batch;
    MpcFault fault;
    char err[256];
    MpcStats st;
    uint64_t seq[MK_COUNT]; /* next sequence number of each kind */
    uint64_t *out_seq;      /* per client: next output batch */

    Stashed *stash;
    size_t stash_n, stash_cap;
    uint32_t *stash_cnt; /* per sender node */
    size_t *stash_bytes;

    Gather g;
    const Fe **rows; /* n: decoding rows */

    DecodeCache cache;
    uint8_t excluded[SHAMIR_MAX_PARTIES];
    unsigned n_excluded;
    /* An online opening's shares go at once to the d+t parties after this
     * one (its "ring": every receiver decodes from the d+t before it) and
     * with send_later to the rest (open_round).  eager[j]: party j asked
     * for all of them at once (MK_EAGER); asked_eager[j]: this party asked
     * j; ring_misses: openings in a row decoded without a share the ring
     * owes this party. */
    uint8_t eager[SHAMIR_MAX_PARTIES], asked_eager[SHAMIR_MAX_PARTIES];
    unsigned ring_misses;
    /* Large openings hold those shares back (hold.c): MPC_HOLD_SLOTS
     * slots, NULL until the first; want_below[j]: party j asked for the
     * shares of the openings before this sequence number (MK_WANT). */
    struct HeldShare *held;
    uint64_t want_below[SHAMIR_MAX_PARTIES];
    uint64_t ring_wait_us; /* how long large openings' rings took lately (ask_after_ms) */

    Pool tri, rnd, bit;
    Fe *inputs; /* client input shares after mpc_collect_inputs */
    bool inputs_done;

    uint8_t prg_key[32];
    uint64_t prg_nonce;

    uint8_t *sbuf; /* the outgoing message of a round */
    size_t sbuf_cap;
    /* the message before (round_internal's pipeline swaps the two: the
     * chunk sent last keeps its own shares here until it is decoded) */
    uint8_t *sbuf_alt;
    size_t sbuf_alt_cap;
    Fe *dec; /* decoded values of a round */
    size_t dec_cap;

    /* preprocessing constants */
    Fe *ext;          /* (n-t)×t extraction matrix, normalized Cauchy */
    uint8_t *ext_one; /* ext entry == 1: an addition suffices */
    Fe *chk_w[2];     /* per degree (t, 2t): weights checking x_j, j > d */
    Fe *chk_l0[2];    /* per degree: weights at 0 of points 1..d+1 */
    FeSqrt sq;
    Fe inv2;
    int test_fault; /* TEST_* below: misbehaviour in preprocessing, tests only */
    /* preproc.c: a run's dealing and extracted double shares, kept (wiped)
     * between runs so their pages are not faulted in anew every run */
    uint8_t *pp_keep[3];
    size_t pp_keep_cap[3];
    void (*open_tap)(void *ud, const Fe *v, size_t n); /* tests only: every online opening */
    void *open_tap_ud;

    struct Rbc *rbc;  /* reliable broadcast state (engine_rbc.c) */
    struct Rbc *prbc; /* preprocessing's own broadcast channel (preproc_check.c) */
    /* rbc_preproc_wait: prbc messages to all, bundled while it drains the inbox */
    uint8_t *pb;
    size_t pb_len, pb_cap;
    bool pb_hold;
    /* preprocessing (preproc_check.c): parties proven faulty there, whose
     * dealings and check values are not used again; warnings naming them */
    uint8_t pp_bad[SHAMIR_MAX_PARTIES];
    unsigned pp_nbad;
    struct PpSign *pp_sign; /* preproc_sign.c: this session's signing keys, NULL until needed */
    StrBuf warn;            /* preproc_check_warn: a line each */
    bool warn_full;         /* MPC_WARN_MAX reached: later lines dropped, said once */
    struct PpAgree *pagr;   /* preproc_agree.c: the current run's statuses and agreement */
    bool pp_abort;          /* this party stopped waiting in the current run (preproc_agree.c) */
    char rbc_err[512];      /* why broadcast messages were refused (since the last receive) */
    struct CmpState *cmp;   /* comparison masks made ahead (compare.c), or NULL */
    /* avss.c: per origin, a broadcast of a later sharing that arrived while
     * this party was still in an earlier one (kept for that sharing) */
    uint8_t *avss_ahead[SHAMIR_MAX_PARTIES];
    size_t avss_ahead_len[SHAMIR_MAX_PARTIES];

    /* memory accounting (mpc_set_mem_cap) */
    MpcChargeFn charge; /* NULL: only counted */
    void *charge_ud;
    size_t mem_limit, charged, charged_peak;
    bool mem_failed; /* the cap was hit: the error stays */
};

enum {
    TEST_NONE = 0,
    TEST_BAD_DEAL,
    TEST_BAD_OPEN2T,
    TEST_AVSS_NO_ANSWER,  /* avss.c: a dealer ignores complaints */
    TEST_BAD_DEAL_ALL,    /* preproc.c: every other party gets off-polynomial shares */
    TEST_BAD_DEAL_2T,     /* preproc.c: a double sharing's degree-2t half has another secret */
    TEST_BAD_CHECK,       /* preproc.c: wrong check values reported (as a non-dealer) */
    TEST_BAD_CHECK_2T,    /* preproc_check.c: wrong degree-2t check values about dealers 0..t-1 */
    TEST_BAD_OPEN2T_SOME, /* preproc_locate.c: wrong degree-2t shares to the next party only */
    TEST_BAD_OPEN2T_LIE,  /* preproc_locate.c: wrong degree-2t shares, and a r_2t share that fits them */
    /* preproc_locate.c: as TEST_BAD_OPEN2T_SOME, with invalid signatures (also on the row to that party) */
    TEST_BAD_OPEN2T_NOSIG,
    /* preproc_locate.c: as TEST_BAD_OPEN2T_LIE, and a received share of r_2t that fits the lie */
    TEST_BAD_OPEN2T_LIE2,
    TEST_BAD_DEAL_ROW, /* preproc.c: a whole row to the next party where its seed is due */
    /* preproc_agree.c tests: a party that stops in preprocessing (sends
     * nothing more, as if killed) at a step, or is silent to one party */
    TEST_SILENT_DEAL,       /* from the start: no dealing */
    TEST_SILENT_SEED,       /* after dealing: no seed */
    TEST_SILENT_CHECK,      /* after the seed: no check values */
    TEST_SILENT_OPEN2T,     /* at the degree-2t opening */
    TEST_SILENT_OPEN2T_ONE, /* no degree-2t shares to the next party only */
    TEST_SILENT_DEAL_ONE,   /* no dealing to the next party only (it then opens that row) */
    TEST_BAD_DEAL_MUTE,     /* TEST_BAD_DEAL, then does not open the disputed row */
    /* preproc_agree.c tests: a lying abort (docs/mpc.md "A lying abort"):
     * a status ABORT naming an honest party in every run, the run
     * otherwise done honestly; naming party self+1, party 0, or another
     * party after each aborted run; or stopping each run at its start */
    TEST_LYING_ABORT,
    TEST_LYING_ABORT_ZERO,
    TEST_LYING_ABORT_NEXT,
    TEST_LYING_ABORT_STOP,
    /* preproc_locate.c: as TEST_BAD_OPEN2T_LIE2, and (while signing) a
     * dealt row to party 0 not validly signed, then a published column off
     * that row (docs/mpc.md "Dispute control": the row party 0 shows is the
     * one it took from the check round's opening) */
    TEST_BAD_OPEN2T_LIE3,
    /* preproc_locate.c: reports a degree-2t failure in every run and, while
     * signing, accuses the previous party of unsigned shares (code 2) */
    TEST_FALSE_ACCUSE,
};

/* memcpy of n elements that tolerates n = 0 with NULL pointers. */
static inline void fe_copy(Fe *dst, const Fe *src, size_t n)
{
    if (n) memcpy(dst, src, n * sizeof *dst);
}

/* engine.c */
int mpc_fail(MpcEngine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void deadline_in(struct timespec *dl, int ms);
int ms_left(const struct timespec *dl);
/* Accounts a counted buffer growing (or shrinking) from old_bytes to
 * new_bytes: 0, or -1 with the final limit error naming `what`. */
int mpc_mem_charge(MpcEngine *e, size_t old_bytes, size_t new_bytes, const char *what);
static inline void mpc_mem_release(MpcEngine *e, size_t bytes) { mpc_mem_charge(e, bytes, 0, NULL); }
/* Buffer of at least `bytes` bytes (grown, never shrunk). */
int grow_buf(MpcEngine *e, uint8_t **buf, size_t *cap, size_t bytes);
/* e->sbuf with room for count elements and a header of (kind, seq). */
Fe *msg_begin(MpcEngine *e, uint8_t kind, uint64_t seq, size_t count);
/* Sends buf to node `to`; a peer that cannot take it is not our failure
 * (counted), only our own transport closing is. */
int send_node(MpcEngine *e, uint32_t to, const uint8_t *buf, size_t len);
int send_parties(MpcEngine *e, const uint8_t *buf, size_t len);
/* Routes one received message (owned): kept for the current round (1 if
 * that completed a sender), stashed for a later one, handed to the
 * broadcast, or dropped. */
int mpc_route_message(MpcEngine *e, uint32_t from, uint8_t *msg, size_t len);
/* Collecting messages of one round. */
void gather_begin(MpcEngine *e, uint8_t kind, uint64_t seq, uint32_t count, bool raw);
/* Waits for one more valid message of the current round (from any node not
 * yet heard): 1 = got one, 0 = deadline passed, -1 = transport closed. */
int gather_one(MpcEngine *e, const struct timespec *dl);
/* Waits until every party (but self) has sent; error names the missing. */
int gather_all_parties(MpcEngine *e, const char *what);
void gather_end(MpcEngine *e, bool wipe);
const Fe *gather_row(const MpcEngine *e, uint32_t node);
/* Takes ownership of a collected message (whole buffer, header first). */
uint8_t *gather_take(MpcEngine *e, uint32_t node);
/* Robust opening of count values of degree d; own shares are the payload
 * of e->sbuf (prepared with msg_begin, header included).  online: the
 * fault injection applies.  Results into out (may be e->dec). */
int open_round(MpcEngine *e, uint8_t kind, unsigned d, bool online, size_t count, Fe *out, const char *what);
/* open_round in two halves, so that further openings can be sent before
 * this one is gathered: mpc_open_send sends e->sbuf's count shares (*seq gets
 * the round's number); mpc_open_gather decodes round seq with mine as this
 * party's own shares (which must stay unchanged until it returns). */
int mpc_open_send(MpcEngine *e, uint8_t kind, unsigned d, bool online, size_t count, uint64_t *seq);
int mpc_open_gather(MpcEngine *e, uint8_t kind, uint64_t seq, unsigned d, bool online, size_t count, const Fe *mine,
                    Fe *out, const char *what);
Fe *dec_buf(MpcEngine *e, size_t count);
/* A message kind's name and "1, 3" for the parties not yet heard in the
 * current gather (error messages). */
const char *mpc_kind_name(uint8_t kind);
void mpc_list_missing(const MpcEngine *e, char *out, size_t outlen);
/* Bulk uniform field elements from the engine's ChaCha20 stream. */
void prg_fe(MpcEngine *e, Fe *out, size_t count);

/* compare.c: wipes and frees the comparison masks. */
void compare_free(MpcEngine *e);

/* preproc.c */
int preproc_setup(MpcEngine *e);
void preproc_free(MpcEngine *e);
int ensure_triples(MpcEngine *e, size_t k);
int ensure_randoms(MpcEngine *e, size_t k);
int ensure_bits(MpcEngine *e, size_t k);
/* Waits for the current gather's message of every party not proven
 * faulty in preprocessing; the error names the missing. */
int preproc_gather_live(MpcEngine *e);

/* preproc_locate.c: the degree-2t opening of a run's T triples.  Own
 * shares a·b - r_2t: the payload of e->sbuf (msg_begin); in: the inputs
 * (ab: pairs a, b; rt, r2t: the double shares), revealed for failing
 * values.  opened[c] is right where drop[c] = 0; drop[c] = 1 (*ndrop of
 * them) marks values every honest party drops alike.  Parties proven
 * faulty on the way are excluded (preproc_check_convict). */
typedef struct {
    const Fe *ab, *rt, *r2t;
    const struct PpRunRows *run; /* while the session signs: the run's dealings, else NULL */
} PpTripleIn;
int preproc_locate_open_2t(MpcEngine *e, size_t T, const PpTripleIn *in, Fe *opened, uint8_t *drop, size_t *ndrop);

/* preproc.c: strict decoding of count degree-d values whose m shares sit
 * at the points 1..m (row[i]: party i's), all required to agree (the
 * degree-2t opening at n = 3t+1 with nobody proven), by additions only.
 * fail[c] (zeroed by the caller) is set where a value does not fit; the
 * count of those is returned.  scratch: 2(d+1)·PREPROC_EXT_BLOCK. */
#define PREPROC_EXT_BLOCK 128
size_t preproc_decode_consecutive(const Field *f, const Fe *const *row, unsigned m, unsigned d, size_t count, Fe *out,
                                  Fe *scratch, uint8_t *fail);

/* preproc_check.c: the dealers one run extracts from: map[0..m) (party
 * ids, ascending), at most t_a of them faulty. */
typedef struct {
    unsigned map[SHAMIR_MAX_PARTIES];
    unsigned m, t_a;
} PpDealers;
/* A run's dealings as the degree-2t opening needs them to judge a failing
 * value's double-sharing column while the session signs (preproc.c fills
 * it): this party's row of dealer d (held[d], the dealer's signature
 * after it; own: its own row), the rows it dealt (dealt[j]), the
 * commitments (as PpRows) and the dealers extracted from. */
typedef struct PpRunRows {
    uint64_t deal_seq;
    size_t count, off_2t; /* row length; the degree-2t halves' first column */
    const PpDealers *use;
    const Fe *held[SHAMIR_MAX_PARTIES], *dealt[SHAMIR_MAX_PARTIES];
    const Fe *root, *dig;
} PpRunRows;
/* Every live party's `count` values broadcast under `tag` (own included):
 * all[j·count ...]; malformed[j] = 1 where party j's broadcast was not
 * `count` valid elements under that tag.  Proven-faulty parties are not
 * waited for (their rows are zero). */
int preproc_check_exchange(MpcEngine *e, uint64_t tag, const Fe *mine, size_t count, Fe *all, uint8_t *malformed);
/* What the check round needs of a run's dealings to settle a dispute
 * (preproc.c fills it): rows of `count` elements, the dealers'
 * commitments to the rows they sent (root[d]: the digest of dealer d's n
 * row digests, broadcast with the seeds, before the challenge), this
 * party's own row digests dig[j], and callbacks on ctx.  A row travels
 * and is committed to in its sent form (docs/mpc.md "Seeded rows"): the
 * row itself, or a PRG seed (one element) with the elements not drawn
 * from it. */
typedef struct {
    const void *ctx;
    size_t count;
    const Fe *root, *dig;
    /* the 3 check combinations (random, degree-t, degree-2t halves) of a row */
    void (*combos)(const void *ctx, const Fe *row, Fe out[3]);
    /* this party's own dealing's combinations at every party: out[k·n + j] */
    void (*expect)(const void *ctx, Fe *out);
    /* the sent form of row j of this party's own dealing (form_len(j)
     * elements); this party's row of dealer d */
    const Fe *(*dealt)(const void *ctx, unsigned j);
    Fe *(*held)(const void *ctx, unsigned d);
    /* elements in the sent form of party j's row; row j from its sent form */
    size_t (*form_len)(const void *ctx, unsigned j);
    void (*expand)(const void *ctx, unsigned j, const Fe *form, Fe *row);
} PpRows;
/* A row's commitment: BLAKE2b-512 of its little-endian bytes, reduced. */
void preproc_check_row_digest(const Field *f, const Fe *row, size_t count, Fe *out);
/* Dealer d's opening of party j's row, as broadcast (m, l: tag, j, d's n
 * row digests, the sent form of the row): 1 if it is the row d committed
 * to before the challenge, and row (rows->count elements) receives it;
 * 0 if malformed or not committed (row then undefined). */
int preproc_check_opened_row(const MpcEngine *e, const PpRows *rows, uint64_t tag, unsigned d, unsigned j, uint8_t *m,
                             size_t l, Fe *row);
/* The check round of run `round`: mine holds this party's 3n per-dealer
 * check values (random, degree-t, degree-2t halves; modified), sigma folds
 * the dealers.  Decides (identically at every honest party) which dealers
 * this run uses, settling disputes by having the dealer open the disputed
 * row over broadcast (this party adopts an opened row of its own); -1 with
 * the error naming them when more than t parties cheated. */
int preproc_check_round(MpcEngine *e, uint64_t round, Fe *mine, const Fe *sigma, const PpRows *rows, PpDealers *out);
/* A warning line for mpc_warnings(); a party proven faulty in
 * preprocessing (excluded from then on); "1, 3" for the flagged parties. */
void preproc_check_warn(MpcEngine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* hold.c: a large online opening's message, held back from the receivers
 * it is still owed to. */
typedef struct HeldShare {
    uint64_t seq;
    uint8_t *buf; /* the message as sent (header and payload) */
    size_t len, cap;
    uint8_t owed[SHAMIR_MAX_PARTIES];
    unsigned n_owed; /* 0: the slot is free */
} HeldShare;
/* Whether an online opening of `kind`, degree d and len bytes holds back
 * (over a transport with send_later, beyond MPC_LATER_MAX_BYTES). */
bool mpc_hold_applies(const MpcEngine *e, uint8_t kind, unsigned d, size_t len);
/* Keeps the message of opening `seq` for the parties to[] (the oldest
 * held one goes out if the slots are full); -1 with the error set. */
int mpc_hold_put(MpcEngine *e, uint64_t seq, const uint32_t *to, size_t n_to, const uint8_t *buf, size_t len);
/* Party `from` sent opening `seq`: what it no longer needs is dropped. */
void mpc_hold_seen(MpcEngine *e, uint32_t from, uint64_t seq);
/* Sends `to` what is held for it of the openings before `below`. */
int mpc_hold_send(MpcEngine *e, uint32_t to, uint64_t below);
/* Sends what is still held (with send_later) and frees the slots. */
void mpc_hold_free(MpcEngine *e);
/* Drops the warnings after the first len bytes; frees them all. */
void preproc_check_warn_truncate(MpcEngine *e, size_t len);
void preproc_check_warn_free(MpcEngine *e);
void preproc_check_convict(MpcEngine *e, unsigned j);
void preproc_check_list_set(const uint8_t *set, unsigned n, char *out, size_t len);
/* The parties not proven faulty, in order, into P; their count. */
unsigned preproc_check_live_parties(const MpcEngine *e, unsigned *P);
/* preproc_sign.c: per-session Ed25519 keys, made after the first
 * fallback that proved nobody (preproc_sign_start: drawn, announced over
 * preprocessing's broadcast; every live party's key kept), and the
 * signatures on open-2t messages: PP_SIG_FE elements of 16 bytes each
 * after the shares, over a digest of the shares with the instance, round
 * and sender.  preproc_sign_check: 1 if `sig` is `from`'s over v (dig
 * receives v's digest either way).  Keys are wiped when freed. */
#define PP_SIG_FE 4
#define PP_DIGEST 32
struct crypto_generichash_blake2b_state;
int preproc_sign_start(MpcEngine *e, uint64_t seq);
bool preproc_sign_on(const MpcEngine *e);
void preproc_sign_free(MpcEngine *e);
void preproc_sign_hash_fe(struct crypto_generichash_blake2b_state *st, const Fe *v, size_t count);
void preproc_sign_digest(const Fe *v, size_t count, uint8_t out[PP_DIGEST]);
void preproc_sign_shares(const MpcEngine *e, uint64_t seq, const Fe *v, size_t T, Fe sig[PP_SIG_FE]);
int preproc_sign_check(const MpcEngine *e, unsigned from, uint64_t seq, const Fe *v, size_t T, const Fe sig[PP_SIG_FE],
                       uint8_t dig[PP_DIGEST]);
/* The same for a dealt row (to one party, in deal round deal_seq); a
 * received dealing whose signature (after the row) does not verify is
 * made to be disputed in the check round (its dealer must open the row it
 * committed to, which this party takes). */
void preproc_sign_row(const MpcEngine *e, uint64_t deal_seq, unsigned to, const Fe *row, size_t count,
                      Fe sig[PP_SIG_FE]);
int preproc_sign_row_check(const MpcEngine *e, uint64_t deal_seq, unsigned from, unsigned to, const Fe *row,
                           size_t count, const Fe sig[PP_SIG_FE]);
void preproc_sign_dealing_check(MpcEngine *e, uint64_t deal_seq, unsigned from, Fe *row, size_t count);
#define PP_TAG(step, seq) (((uint64_t)(step) << 56) | ((seq)&0xffffffffffffffULL))

/* preproc_agree.c: agreement on how a run ends when a party was silent
 * (docs/mpc.md "A silent party in preprocessing").  Status codes: */
enum { PP_ST_OK = 0, PP_ST_FAIL = 1, PP_ST_ABORT = 2 };
typedef struct PpAgree PpAgree;
typedef struct {
    int code;                         /* the worst status of the agreed set */
    uint8_t conv[SHAMIR_MAX_PARTIES]; /* ABORT: left out as silent (t+1 named them) */
    unsigned nconv;
    uint8_t aborted[SHAMIR_MAX_PARTIES]; /* parties whose agreed status is ABORT */
    uint8_t failed[SHAMIR_MAX_PARTIES];  /* ... FAIL */
    uint8_t lied[SHAMIR_MAX_PARTIES];    /* convicted: aborted while nobody accused anybody anew */
    bool slow;                           /* decided by the agreement, not the fast path */
} PpOutcome;
/* A run begins (run: its dealing's sequence number): statuses and
 * agreement messages of older runs are dropped; the proven parties are
 * remembered for preproc_agree_restore. */
int preproc_agree_begin(MpcEngine *e, uint64_t run);
/* The fallback (phase 1) begins: its own statuses. */
void preproc_agree_phase(MpcEngine *e, unsigned phase);
/* rbc_take of preprocessing's channel for the steps of a run: this
 * module's messages are filed (not returned), a later run's kept. */
int preproc_agree_take(MpcEngine *e, unsigned j, uint8_t **m, size_t *l);
/* Files what broadcasts have come (during point-to-point waits). */
void preproc_agree_poll(MpcEngine *e);
/* 1 if party j has aborted the current phase (its status came). */
int preproc_agree_aborted(const MpcEngine *e, unsigned j);
/* 1 if j aborted and is not waited for any more: some live party's abort
 * accuses a party it is not in dispute with (any other abort is no
 * excuse). */
int preproc_agree_excused(MpcEngine *e, unsigned j);
/* This party timed out on j: its status will name j. */
void preproc_agree_complain(MpcEngine *e, unsigned j);
/* Dispute control: whether i and j are in dispute (one named the other
 * silent in an aborted run, fewer than t+1 did); 1 if some live party
 * aborted the current phase with a fresh accusation (of a party it is not
 * in dispute with); after a wait timed out on the parties in `missing`:
 * 1 (and ++*extra) if this party waits another timeout because all of
 * them are in dispute with it (at most PP_PATIENCE times). */
#define PP_PATIENCE 2
bool preproc_agree_disputed(const MpcEngine *e, unsigned i, unsigned j);
int preproc_agree_fresh_abort(MpcEngine *e);
int preproc_agree_patient(MpcEngine *e, const uint8_t *missing, unsigned *extra);
/* A broadcast wait timed out on the parties in `missing`: 1 if it waits
 * another timeout (the first time, for a party that stopped before this
 * one and whose abort may be on its way, or was held up by a wait of one
 * and a half timeouts on a party silent to it only; then as
 * preproc_agree_patient allows), 0 when the wait is over. */
int preproc_agree_extend(MpcEngine *e, struct timespec *dl, bool *grace, const uint8_t *missing, unsigned *extra);
/* Tests: runs aborted and fallbacks (phase 1) so far in the session. */
void preproc_agree_counts(const MpcEngine *e, unsigned *aborted, unsigned *fallbacks);
/* Share disputes (docs/mpc.md "Dispute control"): i's degree-2t shares to
 * j are disputed (an accusation nobody could prove, the same at every
 * honest party; a dispute once the run ends without an abort); whether j
 * takes i's shares from i's broadcast (a dispute of an earlier run). */
void preproc_agree_share_dispute(MpcEngine *e, unsigned i, unsigned j);
bool preproc_agree_public(const MpcEngine *e, unsigned i, unsigned j);
/* Stops the current step: sets e->pp_abort and the error; -1. */
int preproc_agree_abort(MpcEngine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Broadcasts this party's status of phase ph and decides, the same at
 * every honest party, how the phase ends. */
int preproc_agree_status(MpcEngine *e, unsigned ph, int code, PpOutcome *out);
/* Undoes the convictions (and their warnings) of an aborted run. */
void preproc_agree_restore(MpcEngine *e);
/* The end of a run whose steps returned rc: its status is agreed if it
 * was not yet (an aborted step, or a run without triples).  0 with *retry
 * when every honest party aborted the run (the silent parties are then
 * proven faulty): make it again; 0 when it is done; -1 on failure. */
int preproc_agree_finish(MpcEngine *e, int rc, bool *retry);
void preproc_agree_free(MpcEngine *e);

/* engine_rbc.c */
int rbc_setup(MpcEngine *e);
/* An MK_RBC message (owned; freed here): handed to the broadcast. */
void rbc_route(MpcEngine *e, uint32_t from, uint8_t *msg, size_t len);
/* Waits until *dl for a message, then routes it and every other one
 * already waiting; preprocessing's broadcast messages this makes go out
 * as one bundle per destination (n broadcasts in parallel are O(n³)
 * messages one by one).  1 routed, 0 past the deadline, -1 error set. */
int rbc_preproc_wait(MpcEngine *e, const struct timespec *dl);

/* online.c: a Beaver round; online = fault injection applies and stats
 * count it as an online round. */
int round_internal(MpcEngine *e, const Fe *open_in, size_t n_open, Fe *open_out, const Fe *mul_x, const Fe *mul_y,
                   size_t n_mul, Fe *mul_out, bool online);

/* Test hook: takes k triples from the pool (consumed as in a multiplication). */
int mpc_test_take_triples(MpcEngine *e, size_t k, Fe *a, Fe *b, Fe *c);
/* Test hook: changes the injected fault (e.g. preprocess honestly first). */
void mpc_test_set_fault(MpcEngine *e, MpcFault fault);
/* Tests only: tap(ud, v, n) sees the values of every online opening (they
 * are public), to check what masked openings show (issue 20). */
void mpc_test_open_tap(MpcEngine *e, void (*tap)(void *ud, const Fe *v, size_t n), void *ud);
/* Test hook: misbehave in preprocessing (TEST_BAD_DEAL: deal one party an
 * inconsistent share; TEST_BAD_OPEN2T: wrong shares in triple generation). */
void mpc_test_preproc_fault(MpcEngine *e, int what);
/* Test hooks of the client's hold of early messages (client.c): lower its
 * per-party byte bound; read what party `party` has held. */
void mpc_client_test_hold_limit(MpcClient *c, size_t bytes);
void mpc_client_test_held(const MpcClient *c, uint32_t party, uint32_t *count, size_t *bytes);

#endif
