/* avss.h: verifiable secret sharing with Feldman commitments on a curve
 * group, and the distributed random sharing (DKG) built on it; the AVSS
 * backend's Share.random (docs/avss.md).
 *
 * mpc_avss_random: every party deals a fresh random secret with a degree-t
 * polynomial a(x), sends a(j+1) to party j over the engine's point-to-point
 * channel and reliably broadcasts the commitments C_k = a_k·G.  Each party
 * checks its share s against them (s·G = Σ C_k·x^k) and reliably
 * broadcasts the dealers it complains about (missing or inconsistent
 * share); every dealer broadcasts the shares of its accusers.  A leader
 * (party 0 first, then 1, ... on view changes) proposes which complaints
 * count and which dealings are accepted; the parties check it against the
 * broadcasts it names and agree on it by two rounds of votes with locks
 * carried across view changes (PBFT-style), so every honest party sums the
 * same dealings whatever the timing (docs/avss.md "Protocol").  The result
 * is the sum of the accepted dealings: this party's share of a secret
 * nobody knows, and the commitments to its polynomial (C_0 = secret·G, the
 * public key).
 *
 * Timeouts only bound waits (a silent party, a killed dealer, a leader too
 * slow for this view): they decide which view agrees, never that the
 * honest parties agree. */
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
