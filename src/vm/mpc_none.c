/* mpc_none.c: temporary stand-in for mpc_vm.c while the MPC engine is
 * being built: every share operation reports that no engine is configured. */
#include "vm_internal.h"

int mpcvm_binary(VM *vm, int op, Value a, Value b, Value *out) { return vm_error(vm, "MPC engine not configured"); }
int mpcvm_not(VM *vm, Value a, Value *out) { return vm_error(vm, "MPC engine not configured"); }
int mpcvm_share_clear(VM *vm, Value v, uint32_t reg, Value *out) { return vm_error(vm, "MPC engine not configured"); }
int mpcvm_reveal(VM *vm, Value share, Value *out) { return vm_error(vm, "MPC engine not configured"); }
int mpcvm_flush(VM *vm) { return ST_OK; }
void mpcvm_discard(VM *vm) { (void)vm; }
void mpcvm_mark(VM *vm) { (void)vm; }
void mpcvm_free(VM *vm) { (void)vm; }
bool mpcvm_unwrap(VM *vm, Value v, struct StShare **out)
{
    if (v.type != VT_SHARE) return false;
    *out = v.as.share;
    return true;
}
int mpc_builtins_register(VM *vm) { return vm_error(vm, "MPC engine not available in this build"); }
bool vm_as_share(VM *vm, Value v, StShare **out) { return mpcvm_unwrap(vm, v, out); }
