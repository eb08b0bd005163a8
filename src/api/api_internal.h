/* api_internal.h: the state behind both public APIs (stoffel.h and the
 * upstream-compatible stoffel_vm.h).  A VMHandle of stoffel_vm.h is a
 * StoffelVM*, so the two APIs can be mixed on one VM.
 *
 * Everything the host can refer to across calls lives in pinned slots of
 * the VM (vm/pins.h), so the collector never frees a value the host still
 * names: the slot stack, handles, and the id registry of stoffel_vm.h. */
#ifndef STOFFEL_API_INTERNAL_H
#define STOFFEL_API_INTERNAL_H

#include <stdarg.h>

#include "stoffel.h"
#include "stoffel_vm.h"
#include "vm/pins.h"
#include "vm/vm.h"

/* A registered foreign function (either API); the native's user data. */
typedef struct ForeignRec {
    struct ForeignRec *next;
    StoffelVM *S;
    StoffelForeignFn fn;  /* stoffel.h */
    CForeignFunction cfn; /* stoffel_vm.h */
    void *user_data;
} ForeignRec;

typedef struct HookRec {
    struct HookRec *next;
    StoffelVM *S;
    StoffelHookFn fn;
    void *user_data;
    uint32_t mask;
    int id;
} HookRec;

typedef struct {
    uint32_t pin;       /* vm pin slot, 0 when free */
    uint32_t gen;       /* generation: a released handle never matches again */
    uint32_t next_free; /* index + 1 of the next free entry */
} HandleEntry;

/* Open addressing map uint64 -> uint32 (key 0 = empty). */
typedef struct {
    uint64_t *keys;
    uint32_t *vals;
    uint32_t mask; /* capacity - 1, 0 when unallocated */
    uint32_t count;
} IdMap;

/* A slot window: [base, top) of the slot stack. */
typedef struct {
    uint32_t base, top;
} SlotWindow;

struct StoffelVM {
    VM *vm;
    StoffelConfig cfg;

    /* Slot stack: position i is kept in pin slot_pins[i]; the current
     * window is [base, top).  Positions above top keep their pins (set to
     * Unit) for reuse. */
    uint32_t *slot_pins;
    uint32_t nslot_pins, slot_pins_cap;
    uint32_t base, top;

    HandleEntry *handles;
    uint32_t nhandles, handles_cap, free_handle;

    /* stoffel_vm.h: ids handed to C.  by_id maps (id << 3 | kind) to a pin,
     * by_ptr maps a closure's address to its id (closures have no id of
     * their own). */
    IdMap by_id, by_ptr;
    uint64_t next_closure_id;

    ForeignRec *foreign;
    HookRec *hooks;
    struct KvStore *local_store; /* stoffel_open_local_store, closed with the VM */

    /* last error */
    StoffelError err;
    char *err_message;
    char *err_function;
    char *pending; /* stoffel_set_error text of the running callback */
    bool in_hook;
    bool free_refused; /* stoffel_free was called while the VM ran */
};
/* After a foreign function or hook returned: ST_ERR with the VM's error set
 * if it tried to free the VM (refused, the VM is still running). */
int api_check_free_refused(StoffelVM *S);

/* A program read from a file (stoffel_program_read). */
struct StoffelProgram {
    StfProgram prog;
    char *path; /* as given, for messages */
};

/* Memory through the configured allocator (not accounted in the heap). */
void *api_realloc(StoffelVM *S, void *ptr, size_t old_size, size_t new_size);

/* Record a failure (also reported to the error callback for LOAD and
 * RUNTIME); returns `code`. */
StoffelResult api_fail(StoffelVM *S, StoffelResult code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Record the VM's current error as a runtime error (message, function,
 * instruction). */
StoffelResult api_fail_runtime(StoffelVM *S);
/* Forget the last error. */
void api_clear_error(StoffelVM *S);

/* Slot windows (stoffel_api_slots.c). */
bool api_push_window(StoffelVM *S, uint32_t count, SlotWindow *saved);
void api_pop_window(StoffelVM *S, const SlotWindow *saved);
bool api_ensure(StoffelVM *S, uint32_t count);
Value api_slot_get(const StoffelVM *S, uint32_t slot); /* slot < top - base */
void api_slot_set(StoffelVM *S, uint32_t slot, Value v);
void api_free_slots(StoffelVM *S);

/* Hooks (stoffel_api_hooks.c). */
void api_free_hooks(StoffelVM *S);

/* Id registry of stoffel_vm.h (stoffel_vm_api.c). */
void api_free_registry(StoffelVM *S);

/* Whether len bytes are valid UTF-8. */
bool api_utf8(const char *s, size_t len);

#endif
