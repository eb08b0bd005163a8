/* rbc_builtins.c: Rbc.broadcast / Rbc.receive / Rbc.receive_any (spec/mpc.md
 * "Rbc.*", spec/vm-core.md §7.4) on the engine's reliable broadcast,
 * with upstream's argument lists, results and error texts.  Unlike
 * upstream's in-process stand-in, this is Bracha's protocol over the
 * session's transport (docs/storage.md "Reliable broadcast"). */
#include <stdlib.h>
#include <string.h>

#include "mpc/engine.h"
#include "stdlib_internal.h"
#include "vm_internal.h"

static bool valid_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t k;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            k = 1;
            cp = c & 0x1fu;
            min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            k = 2;
            cp = c & 0x0fu;
            min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            k = 3;
            cp = c & 0x07u;
            min = 0x10000;
        } else
            return false;
        if (n - i <= k) return false;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (s[i + j] & 0x3fu);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += k + 1;
    }
    return true;
}

/* Upstream turns a message that is not UTF-8 into a placeholder string. */
static int message_value(VM *vm, const uint8_t *m, size_t len, const char *placeholder, Value *out)
{
    if (!valid_utf8(m, len)) return vm_new_string(vm, placeholder, strlen(placeholder), out);
    return vm_new_string(vm, (const char *)m, len, out);
}

/* Upstream takes only I64 >= 0 here. */
static int nonneg(VM *vm, Value v, const char *name, int64_t *out)
{
    if (v.type != VT_I64 || v.as.i < 0) return vm_error(vm, "%s must be a non-negative integer", name);
    *out = v.as.i;
    return ST_OK;
}

static int wait_ms(int64_t ms) { return ms > 1000000000 ? 1000000000 : (int)ms; }

static int bi_broadcast(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n < 1) return vm_error(vm, "Rbc.broadcast expects 1 argument: message");
    if (a[0].type != VT_STRING) return vm_error(vm, "Message must be a string");
    uint64_t session = 0;
    if (mpc_rbc_broadcast(vm->mpc, (const uint8_t *)a[0].as.str->chars, a[0].as.str->len, &session) != 0)
        return vm_error(vm, "%s", mpc_error(vm->mpc));
    *r = val_i64((int64_t)session);
    return ST_OK;
}

/* Waits for the next broadcast of origin; the timeout error names it. */
static int receive(VM *vm, uint32_t origin, int64_t timeout, uint32_t *from, uint8_t **m, size_t *len)
{
    int got = mpc_rbc_receive(vm->mpc, origin, wait_ms(timeout), from, m, len);
    if (got > 0) return ST_OK;
    if (got < 0) return vm_error(vm, "%s", mpc_error(vm->mpc));
    const char *why = mpc_error(vm->mpc);
    if (origin == MPC_RBC_ANY)
        return vm_error(vm, "RBC receive_any timeout waiting for message from any party%s%s", *why ? "; " : "", why);
    return vm_error(vm, "RBC receive timeout waiting for message from party %u%s%s", origin, *why ? "; " : "", why);
}

static int bi_receive(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n < 2) return vm_error(vm, "Rbc.receive expects 2 arguments: from_party, timeout_ms");
    int64_t party = 0, timeout = 0;
    if (nonneg(vm, a[0], "from_party", &party) != ST_OK || nonneg(vm, a[1], "timeout_ms", &timeout) != ST_OK)
        return ST_ERR;
    if ((uint64_t)party >= mpc_n(vm->mpc))
        return vm_error(vm, "from_party %lld is not a party of this session (n=%u)", (long long)party, mpc_n(vm->mpc));
    uint32_t from;
    uint8_t *m = NULL;
    size_t len = 0;
    if (receive(vm, (uint32_t)party, timeout, &from, &m, &len) != ST_OK) return ST_ERR;
    int rc = message_value(vm, m, len, "<binary data>", r);
    free(m);
    return rc;
}

static int bi_receive_any(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n < 1) return vm_error(vm, "Rbc.receive_any expects 1 argument: timeout_ms");
    int64_t timeout = 0;
    if (nonneg(vm, a[0], "timeout_ms", &timeout) != ST_OK) return ST_ERR;
    uint32_t from = 0;
    uint8_t *m = NULL;
    size_t len = 0;
    if (receive(vm, MPC_RBC_ANY, timeout, &from, &m, &len) != ST_OK) return ST_ERR;
    Value msg;
    int rc = message_value(vm, m, len, "<binary>", &msg);
    free(m);
    if (rc != ST_OK) return rc;
    StObject *o = heap_new_object(&vm->heap);
    StString *k1 = heap_new_string(&vm->heap, "party_id", 8);
    StString *k2 = heap_new_string(&vm->heap, "message", 7);
    if (!o || !k1 || !k2 || !table_set(&vm->heap, &o->fields, val_string(k1), val_i64(from)) ||
        !table_set(&vm->heap, &o->fields, val_string(k2), msg))
        return vm_oom(vm);
    *r = val_gc(VT_OBJECT, o);
    return ST_OK;
}

int rbc_builtins_register(VM *vm)
{
    if (vm_replace_native(vm, "Rbc.broadcast", bi_broadcast, NULL) != ST_OK ||
        vm_replace_native(vm, "Rbc.receive", bi_receive, NULL) != ST_OK ||
        vm_replace_native(vm, "Rbc.receive_any", bi_receive_any, NULL) != ST_OK)
        return ST_ERR;
    return ST_OK;
}
