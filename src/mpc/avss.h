/* avss.h: verifiable secret sharing with Feldman commitments on a curve
 * group, and the distributed random sharing (DKG) built on it; the AVSS
 * backend's Share.random (docs/avss.md).
 *
 * mpc_avss_random: every party deals a fresh random secret with a degree-t
 * polynomial a(x), sends a(j+1) to party j over the engine's point-to-point
 * channel and reliably broadcasts the commitments C_k = a_k·G.  Each party
 * checks its share s against them (s·G = Σ C_k·x^k) and reliably
 * broadcasts the dealers it complains about (missing or inconsistent
 * share), then a vote naming whose complaints it holds; the complaints of
 * every party some vote names count, at every honest party.  An accused
 * dealer answers by broadcasting the shares of its
 * accusers; a dealer who does not answer, or whose answer does not match
 * its commitments, is rejected, and so is a dealer whose commitments never
 * arrived.  The result is the sum of the accepted dealings: this party's
 * share of a secret nobody knows, and the commitments to its polynomial
 * (C_0 = secret·G, the public key).  Every honest party accepts the same
 * dealers (reliable broadcast), so with n >= 3t+1 and at most t faulty
 * parties all honest shares lie on the committed polynomial.
 *
 * Like the engine's openings, a message that never comes is decided by the
 * timeout (a partially synchronous model): a party that stays silent past
 * it is treated as faulty. */
#ifndef STOFFEL_MPC_AVSS_H
#define STOFFEL_MPC_AVSS_H

#include <stdint.h>

#include "crypto/group.h"
#include "mpc/engine.h"

/* mpc_avss_random itself is declared in engine.h (the VM's only MPC
 * interface). */

/* 1 if share·G equals the commitments evaluated at party's point x = party+1. */
int avss_share_matches(const Group *g, const GroupPoint *commit, uint32_t ncommit, uint32_t party, const Fe *share);

#endif
