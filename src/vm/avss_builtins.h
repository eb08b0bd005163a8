/* avss_builtins.h: the AVSS backend's builtins (docs/avss.md), registered
 * on a VM whose engine runs AVSS, after the HoneyBadger ones. */
#ifndef STOFFEL_VM_AVSS_BUILTINS_H
#define STOFFEL_VM_AVSS_BUILTINS_H

#include "crypto/group.h"
#include "vm/vm.h"

#define AVSS_CURVES "bls12-381, bn254, ed25519, curve25519, secp256k1, p-256"

/* The commitment group of an --mpc-curve name (NULL = bls12-381); NULL if
 * unknown.  curve25519 commits in the ed25519 group (same scalar field). */
const Group *avss_builtins_group(const char *curve);

/* Share.random / Share.random_field by distributed key generation with
 * commitments, Share.get_commitment, Share.commitment_count,
 * Share.has_commitments, Avss.*, Mpc.protocol_name.  ST_OK / ST_ERR. */
int avss_builtins_register(VM *vm, const Group *g);

/* Avss.get_commitment, Avss.get_key_name, Avss.commitment_count and
 * Avss.is_avss_share on any VM (they need no engine).  ST_OK / ST_ERR. */
int avss_builtins_register_inspectors(VM *vm);

#endif
