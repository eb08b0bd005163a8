/* hooks.c: hook registration and event delivery (spec/vm-core.md §8).
 * Hooks are kept sorted by descending priority, equal priorities in
 * registration order. */
#include <stdlib.h>
#include <string.h>

#include "vm_internal.h"

int vm_register_hook(VM *vm, HookPredicate pred, HookCallback cb, void *ud, int32_t priority)
{
    if (!cb) return -1;
    if (vm->nhooks == vm->hooks_cap) {
        uint32_t ncap = vm->hooks_cap ? vm->hooks_cap * 2 : 4;
        Hook *h = heap_realloc(&vm->heap, vm->hooks, (size_t)vm->hooks_cap * sizeof(Hook), (size_t)ncap * sizeof(Hook));
        if (!h) return -1;
        vm->hooks = h;
        vm->hooks_cap = ncap;
    }
    uint32_t at = vm->nhooks;
    while (at > 0 && vm->hooks[at - 1].priority < priority) at--;
    memmove(&vm->hooks[at + 1], &vm->hooks[at], (size_t)(vm->nhooks - at) * sizeof(Hook));
    Hook *h = &vm->hooks[at];
    h->id = vm->next_hook_id++;
    h->priority = priority;
    h->enabled = true;
    h->pred = pred;
    h->cb = cb;
    h->ud = ud;
    vm->nhooks++;
    vm->hooks_enabled++;
    return h->id;
}

static Hook *find_hook(VM *vm, int id, uint32_t *pos)
{
    for (uint32_t i = 0; i < vm->nhooks; i++)
        if (vm->hooks[i].id == id) {
            if (pos) *pos = i;
            return &vm->hooks[i];
        }
    return NULL;
}

bool vm_unregister_hook(VM *vm, int id)
{
    uint32_t pos;
    Hook *h = find_hook(vm, id, &pos);
    if (!h) return false;
    if (h->enabled) vm->hooks_enabled--;
    memmove(&vm->hooks[pos], &vm->hooks[pos + 1], (size_t)(vm->nhooks - pos - 1) * sizeof(Hook));
    vm->nhooks--;
    return true;
}

bool vm_enable_hook(VM *vm, int id, bool enabled)
{
    Hook *h = find_hook(vm, id, NULL);
    if (!h) return false;
    if (h->enabled != enabled) {
        h->enabled = enabled;
        if (enabled)
            vm->hooks_enabled++;
        else
            vm->hooks_enabled--;
    }
    return true;
}

bool vm_hooks_active(const VM *vm) { return vm->hooks_enabled > 0 && !vm->in_hook; }

int vm_fire_hook(VM *vm, HookEvent *ev)
{
    if (!vm_hooks_active(vm)) return ST_OK;
    Frame *f = vm_current_frame(vm);
    ev->function = f ? f->fn->name->chars : "";
    ev->depth = vm->nframes;
    if (!ev->instr && f && f->ip > 0 && f->fn->source) { ev->instr_index = f->ip - 1; }
    vm->in_hook = true;
    int rc = ST_OK;
    /* Copy each hook before calling it: a callback may unregister hooks. */
    for (uint32_t i = 0; i < vm->nhooks; i++) {
        Hook h = vm->hooks[i];
        if (!h.enabled || (h.pred && !h.pred(ev, h.ud))) continue;
        free(vm->err.message);
        vm->err.message = NULL;
        if (h.cb(vm, ev, h.ud) != 0) {
            char *msg = vm->err.message;
            vm->err.message = NULL;
            vm_error(vm, "Hook %d callback failed: %s", h.id, msg ? msg : "aborted");
            free(msg);
            rc = ST_ERR;
            break;
        }
    }
    vm->in_hook = false;
    return rc;
}
