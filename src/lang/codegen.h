/* codegen.h: checked syntax trees to the program model (StfProgram).
 *
 * Registers: r0 is the call-result and scratch register; clear values live
 * in r1-r12 and, when more are live, in spill slots (LDS/STS through the
 * scratch registers r13-r15); secret values live in r16 and up.  A move
 * from the clear bank into the secret bank shares a value; the compiler
 * never moves a secret into the clear bank (reveal is Share.open). */
#ifndef STOFFEL_LANG_CODEGEN_H
#define STOFFEL_LANG_CODEGEN_H

#include "compiler.h"

/* Generate every function of every module into C->prog (main first).
 * Errors jump via C->d. */
void cg_program(Compiler *C);
/* Free the half-built function after an error. */
void cg_cleanup(Compiler *C);

#endif
