/* rbc.h: Bracha's reliable broadcast among the n parties of a session
 * (n >= 3t+1), the protocol behind Rbc.broadcast / Rbc.receive.
 *
 * The origin sends SEND(m) to all; a party echoes the first SEND it gets
 * from the origin (ECHO(m) to all); it sends READY(m) after
 * ceil((n+t+1)/2) ECHOs or t+1 READYs for m, and delivers m after 2t+1
 * READYs.  ceil((n+t+1)/2) is 2t+1 when n = 3t+1; for larger n it is what
 * keeps two honest parties from readying different messages.  With at most
 * t faulty parties: no two honest parties deliver different messages for
 * the same (origin, session), even if the origin equivocates; if one
 * honest party delivers, all do; an honest origin's message is delivered
 * with t parties silent.
 *
 * This module is the state machine only; the engine (engine_rbc.c) carries
 * its messages in MK_RBC frames.  Every party's broadcasts are numbered
 * (sessions 0, 1, ...) and delivered to the program in that order. */
#ifndef STOFFEL_RBC_H
#define STOFFEL_RBC_H

#include <stddef.h>
#include <stdint.h>

#define RBC_MAX_MESSAGE (1u << 20) /* bytes of one broadcast */
#define RBC_WINDOW 256             /* sessions per origin kept open */
#define RBC_ALL UINT32_MAX         /* send: to every other party */
#define RBC_ANY UINT32_MAX         /* take: from any other party */
#define RBC_HDR 20                 /* bytes before the message */

typedef struct Rbc Rbc;

/* Sends bytes to party `to` or to every other party (RBC_ALL).  0, or -1
 * when this party's own transport is gone. */
typedef int (*RbcSend)(void *ctx, uint32_t to, const uint8_t *msg, size_t len);

Rbc *rbc_new(uint32_t n, uint32_t t, uint32_t self, RbcSend send, void *ctx);
/* Raises the longest message (default RBC_MAX_MESSAGE) and the candidate
 * bytes one party may make this one hold (default 64 MiB), for a channel
 * that carries whole rows of shares (preprocessing's openings). */
void rbc_set_limits(Rbc *r, size_t max_message, size_t per_sender);
void rbc_free(Rbc *r);
/* The reason of the last -1 (names the peer where one is to blame). */
const char *rbc_error(const Rbc *r);

/* Starts broadcasting msg; *session is its number among this party's
 * broadcasts. */
int rbc_broadcast(Rbc *r, const uint8_t *msg, size_t len, uint64_t *session);

/* A message from party `from` (`len` bytes, possibly followed by up to 31
 * zero bytes of padding).  0: taken into account; -1: rejected (malformed,
 * from a non-member, contradicting what the sender said before), with
 * rbc_error naming the sender; -2: sending failed (own transport gone). */
int rbc_handle(Rbc *r, uint32_t from, const uint8_t *msg, size_t len);

/* The next delivered broadcast of `origin` (RBC_ANY: of any other party,
 * the lowest (session, party) first).  1 with *msg (malloc'd, may be
 * empty) and *from; 0 if none is delivered yet. */
int rbc_take(Rbc *r, uint32_t origin, uint32_t *from, uint8_t **msg, size_t *len);

#endif
