/* config.h: the limits and sizes of every module, in one place, with their
 * defaults.  Each can be changed at build time (make EXTRA_CFLAGS=-DNAME=V);
 * the values below are what the tests and docs assume.  Reached through the
 * modules' hub headers (core/heap.h, bytecode/program.h, net/transport.h).
 *
 * Limits the public API states (stoffel.h: STOFFEL_MAX_PARTIES, ...) are
 * checked against these in src/api. */
#ifndef STOFFEL_CONFIG_H
#define STOFFEL_CONFIG_H

/* ---- sessions ---------------------------------------------------------------- */
#ifndef ST_MAX_PARTIES
#define ST_MAX_PARTIES 255 /* parties of one MPC session (evaluation points 1..255) */
#endif
#ifndef SESSION_MAX_CLIENT_INPUTS
#define SESSION_MAX_CLIENT_INPUTS 1000000 /* inputs of one client; shares in one result */
#endif
#ifndef NET_MPC_CONNECT_MS
#define NET_MPC_CONNECT_MS 60000 /* default wait for the other nodes */
#endif
#ifndef NET_MPC_LINGER_MS
#define NET_MPC_LINGER_MS 5000 /* a party keeps connections open after its result */
#endif

/* ---- VM ------------------------------------------------------------------------- */
#ifndef VM_DEFAULT_MAX_CALL_DEPTH
#define VM_DEFAULT_MAX_CALL_DEPTH 10000 /* frames, when VmConfig says 0 */
#endif
#ifndef VM_MAX_STACK_BYTES
/* Bytes of one register stack (every frame of a process), as Lua caps its
 * stack at 1,000,000 slots: deep recursion with large frames stops early
 * with an error instead of taking gigabytes before the depth limit.
 * 64 MiB = 4 Mi registers, e.g. 10,000 frames of 400. */
#define VM_MAX_STACK_BYTES ((size_t)64 << 20)
#endif
#ifndef VM_DEFAULT_HEAP_DIVISOR
/* stoffel-run's default heap cap: physical memory / this (all parties of a
 * --local-mpc session together); --max-heap-mb overrides, 0 = none. */
#define VM_DEFAULT_HEAP_DIVISOR 2
#endif
#ifndef VM_MAX_FRAME_REGISTERS
#define VM_MAX_FRAME_REGISTERS 65535 /* registers of one frame (16-bit operands) */
#endif
#ifndef VM_MAX_SPILL_SLOT
#define VM_MAX_SPILL_SLOT ((1u << 20) - 1) /* highest LDS/STS slot */
#endif
#ifndef VM_MAX_ERROR_LEN
#define VM_MAX_ERROR_LEN 4096 /* bytes of one error message */
#endif
#ifndef MPCVM_MAX_PENDING
#define MPCVM_MAX_PENDING 65536 /* deferred multiplications before a forced round */
#endif
#ifndef SL_ARRAY_MAX
#define SL_ARRAY_MAX ((int64_t)1 << 26) /* elements a builtin makes in one array */
#endif
#ifndef FFI_MAX_PARAMS
#define FFI_MAX_PARAMS 32 /* parameters of a C function called by Ffi.call */
#endif
#ifndef API_MAX_C_ARGS
#define API_MAX_C_ARGS 1024 /* arguments of stoffel_execute_with_args */
#endif

/* ---- heap --------------------------------------------------------------------- */
/* 1: collect at every safe point (make gc-stress), so a value the
 * interpreter forgot to root is freed at once and the suite sees it. */
#ifndef ST_GC_STRESS
#define ST_GC_STRESS 0
#endif

#ifndef HEAP_GC_MIN_THRESHOLD
/* First collection after 1 MiB, and never sooner than that after one: with
 * a small live set the freed memory is reused while still in cache (closure:
 * 7% faster than with 4 MiB; strbuild, arraysum, matmul unchanged). */
#define HEAP_GC_MIN_THRESHOLD (1u << 20)
#endif
#ifndef HEAP_CHUNK_BYTES
#define HEAP_CHUNK_BYTES (64u << 10) /* small-object pool chunk */
#endif
#ifndef HEAP_SMALL_MAX
#define HEAP_SMALL_MAX 256 /* largest pooled allocation */
#endif
#ifndef ARRAY_MAX_DENSE
#define ARRAY_MAX_DENSE (1u << 28) /* elements of an array's dense part */
#endif
#ifndef ARRAY_SPARSE_GAP
#define ARRAY_SPARSE_GAP 4096 /* an index further past the end goes to the extra table */
#endif

/* ---- programs ------------------------------------------------------------------- */
#ifndef STF_MAX_PROGRAM_FILE
#define STF_MAX_PROGRAM_FILE ((size_t)1 << 31) /* bytes of a program file */
#endif
#ifndef STFL_MAX_CONSTANTS
#define STFL_MAX_CONSTANTS 1000000u
#endif
#ifndef STFL_MAX_FUNCTIONS
#define STFL_MAX_FUNCTIONS 1000000u
#endif
#ifndef STFL_MAX_INSTRUCTIONS
#define STFL_MAX_INSTRUCTIONS 8000000u
#endif
#ifndef STFL_MAX_CLIENTS
#define STFL_MAX_CLIENTS 1000000u
#endif
#ifndef STFL_MAX_STRING
#define STFL_MAX_STRING (16u * 1024u * 1024u)
#endif
#ifndef STFL_MAX_TYPE_DEPTH
#define STFL_MAX_TYPE_DEPTH 64 /* nesting of type descriptors (bounds recursion) */
#endif

/* ---- network ------------------------------------------------------------------- */
#ifndef TRANSPORT_MAX_MESSAGE
/* Bytes of one message (bounded so a peer cannot make another allocate
 * without bound). */
#define TRANSPORT_MAX_MESSAGE (64u << 20)
#endif
#ifndef INPROC_QUEUE_BYTES
#define INPROC_QUEUE_BYTES ((size_t)256 << 20) /* queued to one in-process node */
#endif
#ifndef ROSTER_MAX_NODES
#define ROSTER_MAX_NODES 1024
#endif
#ifndef DISCOVERY_MAX_FRAME
#define DISCOVERY_MAX_FRAME (1u << 20)
#endif
#ifndef DISCOVERY_IO_TIMEOUT_MS
#define DISCOVERY_IO_TIMEOUT_MS 10000 /* per read / write of the roster at the end */
#endif
#ifndef DISCOVERY_REGISTER_MS
#define DISCOVERY_REGISTER_MS 10000 /* handshake + registration frame, from accept */
#endif
#ifndef DISCOVERY_MAX_PENDING
#define DISCOVERY_MAX_PENDING 64 /* registrations in progress at once */
#endif
#ifndef DISCOVERY_PENDING_PER_HOST
#define DISCOVERY_PENDING_PER_HOST 8 /* ...of which from one source address */
#endif
#ifndef TLS_PEER_IN_LIMIT
/* Received and not yet consumed, per peer: queued messages plus the frame
 * being assembled stay below this.  The reader pauses once the queued
 * messages reach TLS_PEER_IN_LIMIT - TRANSPORT_MAX_MESSAGE, and the frame
 * in progress grows only as its bytes arrive (frame.h). */
#define TLS_PEER_IN_LIMIT ((size_t)2 * TRANSPORT_MAX_MESSAGE)
#endif
#ifndef TLS_PEER_OUT_LIMIT
#define TLS_PEER_OUT_LIMIT ((size_t)256 << 20) /* queued to one peer */
#endif
#ifndef TLS_HANDSHAKE_MS
#define TLS_HANDSHAKE_MS 10000 /* TLS handshake + hello */
#endif
#ifndef TLS_CERT_MS
#define TLS_CERT_MS 4000 /* an inbound TLS handshake (its certificate) */
#endif
#ifndef TLS_MAX_PENDING_HANDSHAKES
#define TLS_MAX_PENDING_HANDSHAKES 64
#endif
#ifndef TLS_HANDSHAKES_PER_HOST
#define TLS_HANDSHAKES_PER_HOST 8 /* ...of which from one source address */
#endif
#ifndef TLS_READ_CHUNK
#define TLS_READ_CHUNK 65536
#endif

/* ---- MPC engine ------------------------------------------------------------------ */
#ifndef MPC_DEFAULT_TIMEOUT_MS
#define MPC_DEFAULT_TIMEOUT_MS 10000 /* per protocol wait */
#endif
#ifndef MPC_DEFAULT_TRIPLE_BATCH
#define MPC_DEFAULT_TRIPLE_BATCH 8192 /* triples made per preprocessing run */
#endif
#ifndef MPC_TRUNC_CHUNK
#define MPC_TRUNC_CHUNK ((size_t)16384) /* truncations per round */
#endif
#ifndef MPC_ROUND_ELEMS
#define MPC_ROUND_ELEMS ((size_t)1 << 20) /* mpc_round splits larger requests into rounds */
#endif
#ifndef MPC_MESSAGE_ELEMS
/* a round's messages hold at most this many elements (2 MB), pipelined */
#define MPC_MESSAGE_ELEMS ((size_t)1 << 16)
#endif
#ifndef OPEN_CHUNK
#define OPEN_CHUNK 1024
#endif
#ifndef DCACHE_SIZE
#define DCACHE_SIZE 8 /* cached decoders per engine */
#endif
#ifndef PREPROC_RUN_TRIPLES
/* Largest generation runs (keep messages well under the transport's limit
 * and memory bounded).  2^14: a run's rows (under 1 MB each at n = 4) stay
 * in the caches between its steps; runs of 2^17 triples went to memory
 * for every pass and took a third more CPU per triple (docs/benchmarks.md
 * "Triples, third pass"). */
#define PREPROC_RUN_TRIPLES ((size_t)1 << 14)
#endif
#ifndef PREPROC_RUN_RANDOMS
#define PREPROC_RUN_RANDOMS ((size_t)1 << 18)
#endif
#ifndef PREPROC_RUN_BITS
#define PREPROC_RUN_BITS ((size_t)1 << 16)
#endif
#ifndef PREPROC_MIN_RANDOMS
#define PREPROC_MIN_RANDOMS 1024 /* smallest refill */
#endif
#ifndef PREPROC_MIN_BITS
#define PREPROC_MIN_BITS 1024
#endif
#ifndef CLIENT_HELD_MAX
#define CLIENT_HELD_MAX 4096 /* early messages a client keeps */
#endif
#ifndef STASH_MAX_PER_SENDER
#define STASH_MAX_PER_SENDER 4096 /* early messages kept per sender */
#endif
#ifndef STASH_BYTES_PER_SENDER
#define STASH_BYTES_PER_SENDER ((size_t)2 * TRANSPORT_MAX_MESSAGE) /* early bytes kept per sender */
#endif
/* Online openings up to this size send the shares no receiver decodes from
 * with send_later (mpc/engine.c); larger ones go to every party at once:
 * there the bytes cost more than the system calls saved. */
#ifndef MPC_LATER_MAX_BYTES
#define MPC_LATER_MAX_BYTES ((size_t)16 << 10)
#endif
/* Openings in a row decoded without a share the ring owes (a silent party,
 * or one only slow) before a party asks for every share at once. */
#ifndef MPC_EAGER_AFTER
#define MPC_EAGER_AFTER 64
#endif
/* Large online openings (over MPC_LATER_MAX_BYTES) keep the shares no
 * receiver needs while nobody cheats instead of sending them (mpc/hold.c):
 * the last MPC_HOLD_SLOTS such messages, one copy each.  A receiver missing a share it
 * decodes from asks for them after MPC_ASK_MS plus twice what its ring
 * took lately (at once if the ones in are wrong), and for every share
 * after MPC_EAGER_AFTER_HELD such openings in a row. */
#ifndef MPC_HOLD_SLOTS
#define MPC_HOLD_SLOTS 6
#endif
#ifndef MPC_ASK_MS
#define MPC_ASK_MS 20
#endif
#ifndef MPC_EAGER_AFTER_HELD
#define MPC_EAGER_AFTER_HELD 8
#endif
/* Bytes of preprocessing warnings a session keeps (mpc_warnings); later
 * lines are dropped, and one line says so. */
#ifndef MPC_WARN_MAX
#define MPC_WARN_MAX ((size_t)64 << 10)
#endif
#ifndef STASH_MAX_AHEAD
#define STASH_MAX_AHEAD ((uint64_t)1 << 32) /* a sequence number further ahead is bogus */
#endif

#endif
