/* stoffel_api_hooks.c: hooks of the native API (include/stoffel.h) on top
 * of the VM's hook system (vm.h, spec/vm-core.md §8).  The event's values go
 * to a slot window of the hook: 0 value, 1 old value, 2 key. */
#include <stdlib.h>
#include <string.h>

#include "bytecode/program.h"
#include "api_internal.h"

_Static_assert((int)STOFFEL_HOOK_BEFORE_INSTRUCTION == (int)HOOK_BEFORE_INSTRUCTION &&
                   (int)STOFFEL_HOOK_BEFORE_CALL == (int)HOOK_BEFORE_CALL &&
                   (int)STOFFEL_HOOK_ELEMENT_WRITE == (int)HOOK_ARRAY_ELEMENT_WRITE && HOOK_EVENT_COUNT == 15,
               "StoffelHookKind numbers are the VM's hook event kinds");

static bool mask_predicate(const HookEvent *ev, void *ud)
{
    const HookRec *h = ud;
    return (h->mask >> ev->kind) & 1u;
}

static int hook_trampoline(VM *vm, const HookEvent *ev, void *ud)
{
    HookRec *h = ud;
    StoffelVM *S = h->S;
    StoffelHookEvent e;
    memset(&e, 0, sizeof e);
    e.kind = (StoffelHookKind)ev->kind;
    e.function = ev->function;
    e.instruction = ev->instr_index;
    e.opcode = ev->instr ? stf_op_name(ev->instr->op) : NULL;
    e.depth = ev->depth;
    e.reg = ev->reg;
    e.name = ev->name;
    e.foreign = ev->foreign;
    e.id = ev->id;
    e.argc = ev->argc;

    SlotWindow saved;
    if (!api_push_window(S, 3, &saved)) return vm_oom(vm);
    api_slot_set(S, 0, ev->value);
    api_slot_set(S, 1, ev->old);
    api_slot_set(S, 2, ev->key);
    char *outer_pending = S->pending;
    bool outer_in_hook = S->in_hook;
    S->pending = NULL;
    S->in_hook = true;
    int rc = h->fn(S, &e, h->user_data);
    S->in_hook = outer_in_hook;
    api_pop_window(S, &saved);
    /* The VM words it "Hook N callback failed: <message>". */
    if (rc != 0 && S->pending) vm_error(vm, "%s", S->pending);
    free(S->pending);
    S->pending = outer_pending;
    if (rc == 0 && api_check_free_refused(S) != ST_OK) return 1;
    return rc != 0;
}

int stoffel_add_hook(StoffelVM *S, uint32_t mask, StoffelHookFn fn, void *user_data, int priority)
{
    if (!S) return 0;
    /* A hook added while hooks are dispatched could see its own event
     * again and again: hooks are changed only outside hooks. */
    if (S->in_hook) {
        api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_add_hook: cannot add a hook from inside a hook");
        return 0;
    }
    if (!fn || !(mask & STOFFEL_HOOK_ALL)) {
        api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_add_hook: %s", fn ? "the mask selects no event" : "fn is NULL");
        return 0;
    }
    HookRec *h = api_realloc(S, NULL, 0, sizeof *h);
    if (!h) {
        api_fail(S, STOFFEL_ERROR_MEMORY, "out of memory");
        return 0;
    }
    memset(h, 0, sizeof *h);
    h->S = S;
    h->fn = fn;
    h->user_data = user_data;
    h->mask = mask & STOFFEL_HOOK_ALL;
    h->id = vm_register_hook(S->vm, mask_predicate, hook_trampoline, h, priority);
    if (h->id <= 0) {
        api_realloc(S, h, sizeof *h, 0);
        api_fail(S, STOFFEL_ERROR_MEMORY, "out of memory");
        return 0;
    }
    h->next = S->hooks;
    S->hooks = h;
    return h->id;
}

StoffelResult stoffel_remove_hook(StoffelVM *S, int hook_id)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (S->in_hook)
        return api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_remove_hook: cannot remove a hook from inside a hook");
    for (HookRec **link = &S->hooks; *link; link = &(*link)->next) {
        HookRec *h = *link;
        if (h->id != hook_id) continue;
        vm_unregister_hook(S->vm, hook_id);
        *link = h->next;
        api_realloc(S, h, sizeof *h, 0);
        return STOFFEL_OK;
    }
    return api_fail(S, STOFFEL_ERROR_INVALID, "unknown hook id %d", hook_id);
}

StoffelResult stoffel_enable_hook(StoffelVM *S, int hook_id, int enabled)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    for (HookRec *h = S->hooks; h; h = h->next)
        if (h->id == hook_id) {
            vm_enable_hook(S->vm, hook_id, enabled != 0);
            return STOFFEL_OK;
        }
    return api_fail(S, STOFFEL_ERROR_INVALID, "unknown hook id %d", hook_id);
}

void api_free_hooks(StoffelVM *S)
{
    for (HookRec *h = S->hooks, *next; h; h = next) {
        next = h->next;
        api_realloc(S, h, sizeof *h, 0);
    }
    S->hooks = NULL;
}
