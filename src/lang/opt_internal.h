/* opt_internal.h: helpers shared by the optimizer's passes (opt.c,
 * opt_mpc.c).  Not an interface: see opt.h. */
#ifndef STOFFEL_LANG_OPT_INTERNAL_H
#define STOFFEL_LANG_OPT_INTERNAL_H

#include <stdbool.h>

#include "opt.h"

#define OPT_SECRET 16u /* first secret register */
#define OPT_NONE UINT32_MAX

bool opt_is_jump(uint8_t op);
/* No fall-through to the next instruction (JMP, RET). */
bool opt_is_final(uint8_t op);
/* Registers the instruction reads (up to 3) into r; their count. */
int opt_reads(const StfInstr *in, uint32_t r[3]);
/* The register it writes (CALL: r0), or OPT_NONE. */
uint32_t opt_writes(const StfInstr *in);
/* Index of the label called name, or -1. */
int opt_label(const StfFunction *f, const StfStr *name);
/* leaders[i]: instruction i starts a basic block (a label points at it, or
 * it follows a jump or RET); n + 1 entries.  NULL when out of memory. */
bool *opt_leaders(const StfFunction *f);
/* Drop the instructions marked in dead[], moving each label to the next
 * kept instruction.  Returns how many were dropped. */
uint32_t opt_compact(StfFunction *f, const bool *dead);
/* Replace instructions [at, at + count) by n new ones (their names are
 * taken over); labels after the range move along.  0 or -1 (OOM). */
int opt_splice(StfFunction *f, uint32_t at, uint32_t count, const StfInstr *ins, uint32_t n);
/* Index of a constant equal to k in p's pool, appended when absent (a
 * string is copied); -1 when out of memory. */
int64_t opt_const(StfProgram *p, const StfConst *k);
bool opt_name_is(const StfStr *s, const char *name);

/* opt_mpc.c */
int opt_mpc_lower_gates(StfFunction *f, uint32_t *lowered);
uint32_t opt_mpc_reuse_products(StfFunction *f);
int opt_mpc_hoist_muls(const StfProgram *prog, StfFunction *f, uint32_t *moved);
int opt_mpc_batch_opens(StfProgram *p, StfFunction *f, uint32_t *merged);

#endif
