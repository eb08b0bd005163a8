/* stoffel.h: the native embedding API of StoffelVM-C.
 *
 * For new programs.  (Programs written against the upstream Rust VM's C API
 * use stoffel_vm.h, which this library also provides.)  Both headers can be
 * included in the same program.
 *
 * Model, after Wren's and Lua's embedding APIs:
 *
 *   - A StoffelVM is an opaque, independent virtual machine.  The library has
 *     no global mutable state.  THREADS: different VMs may be used at the same
 *     time from different threads; one VM must only be used by one thread at
 *     a time (the caller serialises access to it).
 *
 *   - Values cross the API through numbered SLOTS owned by the VM, never as
 *     raw pointers.  The host writes arguments into slots, calls a function,
 *     and reads the result back from a slot.  Whatever a slot holds is kept
 *     alive by the garbage collector; nothing the host reads from a slot needs
 *     to be freed.  Slot 0 is the return value, slots 1..argc the arguments,
 *     both for stoffel_call() and inside a foreign function.
 *
 *   - To keep a value beyond the current slot window (for example a closure
 *     to call later), take a StoffelHandle with stoffel_get_handle() and
 *     release it with stoffel_release_handle().  Handles are the only thing
 *     the host must release; stoffel_free() releases any that are left.
 *
 *   - Every function that can fail returns a StoffelResult; on failure the
 *     details are in stoffel_last_error().  Invalid arguments (NULL pointers,
 *     slots out of range, unknown handles) are reported as
 *     STOFFEL_ERROR_INVALID, never undefined behaviour.
 *
 * Slot windows.  The host's own window starts with one slot and grows with
 * stoffel_ensure_slots().  While a foreign function or a hook runs, it sees a
 * fresh window of its own (arguments already in place); the host's window
 * is back when it returns.
 *
 * Pointer lifetimes.  Strings read with stoffel_get_string() point into the
 * VM: valid while the slot keeps holding that string (until the slot is
 * overwritten or the window ends).  Pointers in StoffelError and
 * StoffelHookEvent are valid until the next call into the same VM.  The VM
 * also keeps the result of its last call alive until the next call.
 *
 * Details: docs/embedding.md. */
#ifndef STOFFEL_H
#define STOFFEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ST_API marks the functions the shared library exports: it is built with
 * -fvisibility=hidden, so a public function without it is not exported
 * (docs/embedding.md, "Exported symbols"). */
#ifndef ST_API
#if defined(__GNUC__) || defined(__clang__)
#define ST_API __attribute__((visibility("default")))
#else
#define ST_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define STOFFEL_VERSION_MAJOR 0
#define STOFFEL_VERSION_MINOR 1
#define STOFFEL_VERSION_PATCH 0
/* The version as text, "MAJOR.MINOR.PATCH" (every tool's --version). */
#define STOFFEL_VERSION_STR_(x) #x
#define STOFFEL_VERSION_STR(x) STOFFEL_VERSION_STR_(x)
#define STOFFEL_VERSION_STRING                 \
    STOFFEL_VERSION_STR(STOFFEL_VERSION_MAJOR) \
    "." STOFFEL_VERSION_STR(STOFFEL_VERSION_MINOR) "." STOFFEL_VERSION_STR(STOFFEL_VERSION_PATCH)
/* One comparable number: major * 10000 + minor * 100 + patch. */
#define STOFFEL_VERSION_NUMBER (STOFFEL_VERSION_MAJOR * 10000 + STOFFEL_VERSION_MINOR * 100 + STOFFEL_VERSION_PATCH)

/* Limits: parties of one MPC session; the largest call depth and heap
 * (MiB) the command-line tools accept. */
#define STOFFEL_MAX_PARTIES 255u
#define STOFFEL_MAX_CALL_DEPTH 10000000u
#define STOFFEL_MAX_HEAP_MB ((uint64_t)1 << 40)

/* An independent virtual machine (opaque). */
typedef struct StoffelVM StoffelVM;

/* A reference to a value that stays alive until released.  0 is never a
 * valid handle.  Handles are checked: a released or foreign handle is
 * reported as STOFFEL_ERROR_INVALID, it cannot crash. */
typedef uint64_t StoffelHandle;

/* Outcome of an API call. */
typedef enum {
    STOFFEL_OK = 0,
    STOFFEL_ERROR_INVALID = 1,   /* bad argument: NULL, slot out of range, unknown handle, misuse */
    STOFFEL_ERROR_TYPE = 2,      /* the slot holds a different type */
    STOFFEL_ERROR_RANGE = 3,     /* a number does not fit, an index is out of range */
    STOFFEL_ERROR_NOT_FOUND = 4, /* no such function or object key */
    STOFFEL_ERROR_LOAD = 5,      /* a program could not be read, parsed, verified or registered */
    STOFFEL_ERROR_RUNTIME = 6,   /* execution failed (message, function and instruction are set) */
    STOFFEL_ERROR_MEMORY = 7,    /* out of memory or over the heap limit */
    STOFFEL_ERROR_IO = 8         /* a file could not be read */
} StoffelResult;

/* Types of values.  The numbers of the first twelve are the constant-pool
 * tags of the .stflb format.  Integer widths are distinct types. */
typedef enum {
    STOFFEL_TYPE_INVALID = -1, /* returned for a slot out of range */
    STOFFEL_TYPE_UNIT = 0,
    STOFFEL_TYPE_I64 = 1,
    STOFFEL_TYPE_I32 = 2,
    STOFFEL_TYPE_I16 = 3,
    STOFFEL_TYPE_I8 = 4,
    STOFFEL_TYPE_U8 = 5,
    STOFFEL_TYPE_U16 = 6,
    STOFFEL_TYPE_U32 = 7,
    STOFFEL_TYPE_U64 = 8,
    STOFFEL_TYPE_FLOAT = 9,
    STOFFEL_TYPE_BOOL = 10,
    STOFFEL_TYPE_STRING = 11,
    STOFFEL_TYPE_OBJECT = 12,
    STOFFEL_TYPE_ARRAY = 13,
    STOFFEL_TYPE_FOREIGN = 14,
    STOFFEL_TYPE_CLOSURE = 15,
    STOFFEL_TYPE_SHARE = 16 /* a secret share (opaque here) */
} StoffelType;

/* Allocator, realloc-style: (user_data, ptr, old_size, new_size).  new_size 0
 * frees ptr and returns NULL; otherwise return the new block or NULL on
 * failure.  When ptr is NULL, old_size means nothing (as in Lua).  Used for
 * the VM's heap objects and tables and the API's own tables; a few small
 * internal buffers (error texts, formatting) use malloc. */
typedef void *(*StoffelAllocFn)(void *user_data, void *ptr, size_t old_size, size_t new_size);

/* Receives the text the program prints (`print` builtin).  Not
 * NUL-terminated; `len` bytes. */
typedef void (*StoffelWriteFn)(StoffelVM *vm, const char *text, size_t len);

/* Called for every failed load or call, with the same information as
 * stoffel_last_error(): kind is STOFFEL_ERROR_LOAD or STOFFEL_ERROR_RUNTIME,
 * function is NULL and instruction -1 when not applicable. */
typedef void (*StoffelErrorFn)(StoffelVM *vm, StoffelResult kind, const char *function, int64_t instruction,
                               const char *message);

/* A foreign function.  Arguments are in slots 1..argc of the window it
 * gets, slot 0 is the result (Unit until set).  Return 0 on success;
 * anything else is an error: call stoffel_set_error() first to give the
 * message, else the message is "Foreign function returned error code: N".
 * The VM reports it as "Foreign function NAME failed: MESSAGE".  A foreign
 * function may call back into the same VM (stoffel_call). */
typedef int (*StoffelForeignFn)(StoffelVM *vm, int argc, void *user_data);

/* Finalizer of a foreign object: runs once, when the object is collected
 * or the VM is freed.  It must not call into the VM. */
typedef void (*StoffelFinalizer)(void *ptr, void *user_data);

/* VM configuration.  Fill it with stoffel_config_init(), then change fields. */
typedef struct {
    StoffelAllocFn alloc; /* NULL: malloc/realloc/free */
    void *alloc_user_data;
    StoffelWriteFn write;        /* NULL: print writes to stdout */
    StoffelErrorFn error;        /* NULL: errors are only stored */
    uint32_t max_call_depth;     /* frames; 0: default (10,000) */
    uint64_t instruction_budget; /* instructions per call; 0: unlimited */
    size_t heap_limit;           /* bytes; 0: unlimited */
    int allow_ffi;               /* non-zero (default): the Ffi.* builtins work;
                                    0: they fail (for untrusted programs) */
    void *user_data;             /* returned by stoffel_get_user_data() */
} StoffelConfig;

/* Details of the last failure of this VM.  stoffel_load and stoffel_call
 * clear it when they start, so after a successful load or call `result` is
 * STOFFEL_OK and `message` is "". */
typedef struct {
    StoffelResult result;  /* code of the failure, or STOFFEL_OK */
    const char *message;   /* "" when there is no error */
    const char *function;  /* function where a runtime error happened, or NULL */
    int64_t instruction;   /* its 0-based instruction index, or -1 */
    uint32_t line, column; /* assembly load errors: 1-based position, else 0 */
    int64_t offset;        /* .stflb load errors: byte offset, else -1 */
} StoffelError;

/* ---- lifecycle ------------------------------------------------------------ */

/* Fill *config with the defaults (all zero/NULL, allow_ffi = 1). */
ST_API void stoffel_config_init(StoffelConfig *config);

/* The heap cap stoffel-run uses when --max-heap-mb is not given: half of
 * the physical memory (sysconf), in bytes; 0 when it cannot be told.  The
 * parties of a --local-mpc session share it. */
ST_API size_t stoffel_default_heap_limit(void);

/* Create a VM with the standard library registered.  config may be NULL for
 * the defaults.  Returns NULL only when memory runs out. */
ST_API StoffelVM *stoffel_new(const StoffelConfig *config);

/* Free the VM, every value in it (running foreign-object finalizers) and
 * every handle still held.  NULL is ignored. */
ST_API void stoffel_free(StoffelVM *vm);

/* The StoffelVM behind a VMHandle of stoffel_vm.h (the same object), so a
 * program using the upstream API can read error details or use slots.
 * Returns NULL for NULL. */
ST_API StoffelVM *stoffel_from_handle(void *vm_handle);

/* The user_data of the configuration, and a way to change it. */
ST_API void *stoffel_get_user_data(const StoffelVM *vm);
ST_API void stoffel_set_user_data(StoffelVM *vm, void *user_data);

/* ---- errors --------------------------------------------------------------- */

/* The last failure (never NULL; for a NULL vm a static "invalid VM" record).
 * Valid until the next call into this VM. */
ST_API const StoffelError *stoffel_last_error(const StoffelVM *vm);

/* From inside a foreign function or hook: the message its failure reports.
 * Returns STOFFEL_OK (STOFFEL_ERROR_INVALID for NULL arguments). */
ST_API StoffelResult stoffel_set_error(StoffelVM *vm, const char *message);

/* Text for a result code, e.g. "runtime error". */
ST_API const char *stoffel_result_name(StoffelResult result);

/* ---- programs ------------------------------------------------------------- */

/* Load a program from memory: a .stflb image (recognised by its "STFL"
 * magic) or assembly text (docs/assembly.md).  `name` is used in messages
 * (may be NULL).  Every function is verified and registered; on failure
 * nothing of the program stays registered and the result is
 * STOFFEL_ERROR_LOAD with line/column (assembly) or offset (binary). */
ST_API StoffelResult stoffel_load(StoffelVM *vm, const void *data, size_t len, const char *name);

/* Load a program file (either form).  STOFFEL_ERROR_IO if it cannot be read. */
ST_API StoffelResult stoffel_load_file(StoffelVM *vm, const char *path);

/* Whether a function (loaded, builtin or foreign) of this name exists: 1 or 0. */
ST_API int stoffel_has_function(StoffelVM *vm, const char *name);

/* Call a function with the arguments in slots 1..argc of the current
 * window; the result goes to slot 0.  The window must have argc + 1 slots.
 * A foreign function is called directly.  Errors: STOFFEL_ERROR_NOT_FOUND
 * (no such function), STOFFEL_ERROR_RUNTIME (message, function, instruction
 * in stoffel_last_error), STOFFEL_ERROR_INVALID (argc out of range, or a
 * call from inside a hook).  Closures are called through the builtin:
 * stoffel_call(vm, "call_closure", n) with the closure in slot 1. */
ST_API StoffelResult stoffel_call(StoffelVM *vm, const char *function, int argc);

/* Register a foreign function under `name`.  STOFFEL_ERROR_INVALID if the
 * name is taken (builtins included), empty, not UTF-8, or fn is NULL. */
ST_API StoffelResult stoffel_register_function(StoffelVM *vm, const char *name, StoffelForeignFn fn, void *user_data);

/* ---- slots ---------------------------------------------------------------- */

/* Number of slots in the current window. */
ST_API int stoffel_slot_count(const StoffelVM *vm);

/* Make the current window at least `count` slots (new slots hold Unit). */
ST_API StoffelResult stoffel_ensure_slots(StoffelVM *vm, int count);

/* Type of the value in a slot; STOFFEL_TYPE_INVALID if out of range. */
ST_API StoffelType stoffel_slot_type(const StoffelVM *vm, int slot);

/* The name the `type` builtin uses ("int64", "string", "nil", ...). */
ST_API const char *stoffel_type_name(StoffelType type);

/* Copy the value of slot src into slot dst. */
ST_API StoffelResult stoffel_copy_slot(StoffelVM *vm, int dst, int src);

/* Setters.  stoffel_set_int_as stores an integer of a given width
 * (STOFFEL_TYPE_I64 ... STOFFEL_TYPE_U64), STOFFEL_ERROR_RANGE if it does not
 * fit; stoffel_set_uint64 stores a U64.  Strings are copied and must be
 * valid UTF-8 (they may contain NUL bytes with the _len form). */
ST_API StoffelResult stoffel_set_unit(StoffelVM *vm, int slot);
ST_API StoffelResult stoffel_set_int(StoffelVM *vm, int slot, int64_t value);
ST_API StoffelResult stoffel_set_int_as(StoffelVM *vm, int slot, StoffelType width, int64_t value);
ST_API StoffelResult stoffel_set_uint64(StoffelVM *vm, int slot, uint64_t value);
ST_API StoffelResult stoffel_set_float(StoffelVM *vm, int slot, double value);
ST_API StoffelResult stoffel_set_bool(StoffelVM *vm, int slot, int value);
ST_API StoffelResult stoffel_set_string(StoffelVM *vm, int slot, const char *text);
ST_API StoffelResult stoffel_set_string_len(StoffelVM *vm, int slot, const char *text, size_t len);

/* Getters; STOFFEL_ERROR_TYPE if the slot holds another type.
 * stoffel_get_int accepts every integer width (STOFFEL_ERROR_RANGE for a U64
 * above INT64_MAX); stoffel_get_uint64 every non-negative integer.
 * stoffel_get_string: *text is NUL-terminated, *len (may be NULL) its length
 * in bytes; see "Pointer lifetimes" above. */
ST_API StoffelResult stoffel_get_int(StoffelVM *vm, int slot, int64_t *out);
ST_API StoffelResult stoffel_get_uint64(StoffelVM *vm, int slot, uint64_t *out);
ST_API StoffelResult stoffel_get_float(StoffelVM *vm, int slot, double *out);
ST_API StoffelResult stoffel_get_bool(StoffelVM *vm, int slot, int *out);
ST_API StoffelResult stoffel_get_string(StoffelVM *vm, int slot, const char **text, size_t *len);

/* The id an object, array or foreign object shows as (Object(3), ...). */
ST_API StoffelResult stoffel_get_id(StoffelVM *vm, int slot, uint64_t *out);

/* ---- arrays and objects ----------------------------------------------------- */

/* New empty array / object in `slot`. */
ST_API StoffelResult stoffel_new_array(StoffelVM *vm, int slot);
ST_API StoffelResult stoffel_new_object(StoffelVM *vm, int slot);

/* Array length (1 + highest index set). */
ST_API StoffelResult stoffel_array_length(StoffelVM *vm, int array_slot, int64_t *out);
/* Element `index` into dst_slot (a hole reads as Unit); STOFFEL_ERROR_RANGE
 * unless 0 <= index < length. */
ST_API StoffelResult stoffel_array_get(StoffelVM *vm, int array_slot, int64_t index, int dst_slot);
/* Store value_slot's value at index >= 0 (the array grows as needed). */
ST_API StoffelResult stoffel_array_set(StoffelVM *vm, int array_slot, int64_t index, int value_slot);
/* Append value_slot's value. */
ST_API StoffelResult stoffel_array_push(StoffelVM *vm, int array_slot, int value_slot);

/* Number of fields of an object. */
ST_API StoffelResult stoffel_object_count(StoffelVM *vm, int object_slot, size_t *out);
/* Field with the key in key_slot into dst_slot; STOFFEL_ERROR_NOT_FOUND if absent. */
ST_API StoffelResult stoffel_object_get(StoffelVM *vm, int object_slot, int key_slot, int dst_slot);
/* Set the field with the key in key_slot to value_slot's value. */
ST_API StoffelResult stoffel_object_set(StoffelVM *vm, int object_slot, int key_slot, int value_slot);
/* Iterate the fields in insertion order: start with *cursor = 0; each call
 * stores the next key and value and advances *cursor; STOFFEL_ERROR_NOT_FOUND
 * at the end.  Do not change the object while iterating. */
ST_API StoffelResult stoffel_object_next(StoffelVM *vm, int object_slot, uint32_t *cursor, int key_slot,
                                         int value_slot);

/* ---- foreign objects ----------------------------------------------------------- */

/* A new foreign object wrapping ptr (never dereferenced by the VM).  The
 * finalizer (may be NULL) runs when the object is collected or the VM is
 * freed. */
ST_API StoffelResult stoffel_new_foreign(StoffelVM *vm, int slot, void *ptr, StoffelFinalizer finalizer,
                                         void *finalizer_user_data);
/* The pointer a foreign object wraps. */
ST_API StoffelResult stoffel_get_foreign(StoffelVM *vm, int slot, void **out);

/* ---- handles --------------------------------------------------------------------- */

/* A handle keeping slot's value alive; 0 on failure (see stoffel_last_error). */
ST_API StoffelHandle stoffel_get_handle(StoffelVM *vm, int slot);
/* Put a handle's value into a slot. */
ST_API StoffelResult stoffel_set_handle(StoffelVM *vm, int slot, StoffelHandle handle);
/* Release a handle; releasing an unknown or already released handle is
 * STOFFEL_ERROR_INVALID and changes nothing. */
ST_API StoffelResult stoffel_release_handle(StoffelVM *vm, StoffelHandle handle);

/* ---- hooks -------------------------------------------------------------------- */

/* Events a hook can observe (bit i of the mask selects kind i). */
typedef enum {
    STOFFEL_HOOK_BEFORE_INSTRUCTION = 0,
    STOFFEL_HOOK_AFTER_INSTRUCTION = 1,
    STOFFEL_HOOK_REGISTER_READ = 2,
    STOFFEL_HOOK_REGISTER_WRITE = 3,
    STOFFEL_HOOK_STACK_PUSH = 4,
    STOFFEL_HOOK_STACK_POP = 5,
    STOFFEL_HOOK_BEFORE_CALL = 6,
    STOFFEL_HOOK_AFTER_CALL = 7,
    STOFFEL_HOOK_CLOSURE_CREATED = 8,
    STOFFEL_HOOK_UPVALUE_READ = 9,
    STOFFEL_HOOK_UPVALUE_WRITE = 10,
    STOFFEL_HOOK_FIELD_READ = 11,
    STOFFEL_HOOK_FIELD_WRITE = 12,
    STOFFEL_HOOK_ELEMENT_READ = 13,
    STOFFEL_HOOK_ELEMENT_WRITE = 14
} StoffelHookKind;

#define STOFFEL_HOOK_MASK(kind) (1u << (kind))
#define STOFFEL_HOOK_ALL 0x7fffu

/* What a hook sees.  The event's values are in the hook's slot window:
 * slot 0 the value (register value, pushed value, call result, field
 * value...), slot 1 the previous value (writes), slot 2 the key (field and
 * element events). */
typedef struct {
    StoffelHookKind kind;
    const char *function; /* function running when the event fired */
    int64_t instruction;  /* its instruction index, or -1 */
    const char *opcode;   /* instruction events: mnemonic ("ADD"), else NULL */
    uint32_t depth;       /* call depth (1 = entry frame) */
    uint32_t reg;         /* register events: register index */
    const char *name;     /* call target, closure or upvalue name, or NULL */
    int foreign;          /* call events: the target is a foreign function */
    uint64_t id;          /* field/element events: object or array id */
    uint32_t argc;        /* call events: number of arguments */
} StoffelHookEvent;

/* A hook: return 0 to continue, non-zero to stop execution with an error
 * (give the reason with stoffel_set_error).  Hooks must not call functions
 * of the VM (stoffel_call fails with STOFFEL_ERROR_INVALID there); reading
 * slots is fine. */
typedef int (*StoffelHookFn)(StoffelVM *vm, const StoffelHookEvent *event, void *user_data);

/* Add a hook for the event kinds in `mask`.  Higher priority runs first.
 * Returns the hook id (>= 1), or 0 on failure.  Hooks slow execution down:
 * the interpreter runs its checked mode while any hook is enabled. */
ST_API int stoffel_add_hook(StoffelVM *vm, uint32_t mask, StoffelHookFn fn, void *user_data, int priority);
/* Remove a hook; STOFFEL_ERROR_INVALID for an unknown id. */
ST_API StoffelResult stoffel_remove_hook(StoffelVM *vm, int hook_id);
/* Enable (non-zero) or disable a hook. */
ST_API StoffelResult stoffel_enable_hook(StoffelVM *vm, int hook_id, int enabled);

/* ---- memory ------------------------------------------------------------------------ */

/* Run a full garbage collection now (not from inside a hook). */
ST_API StoffelResult stoffel_collect_garbage(StoffelVM *vm);

/* Bytes the VM's heap currently accounts for. */
ST_API size_t stoffel_heap_bytes(const StoffelVM *vm);

/* ---- MPC in one process ---------------------------------------------------------- */

/* Run the program file `path` (.stflb or assembly) as an n-party MPC
 * session inside this process, exactly as `stoffel-run --local-mpc` does:
 * every party a thread with its own VM and MPC engine, every client a
 * thread submitting its inputs masked.  `inputs` lists one entry per
 * client, separated by ',' ; a client's values are separated by ':'
 * ("15,25": two clients with one input each); NULL or "" for none.
 * `curve` NULL means bls12-381; `entry` NULL means "main".
 * On STOFFEL_OK, *result is the result as `stoffel-run` prints it after
 * "Program returned: " (a returned secret share is what the clients
 * reconstruct) and *error is NULL; otherwise *error describes the problem.
 * Free both with stoffel_free_text.  Returns STOFFEL_ERROR_INVALID for bad
 * options or inputs, STOFFEL_ERROR_IO or STOFFEL_ERROR_LOAD for the file,
 * STOFFEL_ERROR_RUNTIME for execution and protocol failures. */
ST_API StoffelResult stoffel_run_local_mpc(const char *path, const char *entry, uint32_t n_parties, uint32_t threshold,
                                           const char *curve, const char *inputs, char **result, char **error);
/* Free text returned by stoffel_run_local_mpc and the functions below
 * (NULL is ignored). */
ST_API void stoffel_free_text(char *text);

/* Misbehaviour of the last `faulty` parties of a local session, for tests
 * of robustness only (they act in the online phase and the client
 * protocol; preprocessing runs honestly). */
typedef enum {
    STOFFEL_FAULT_NONE = 0,
    STOFFEL_FAULT_WRONG_SHARES = 1, /* random values instead of shares */
    STOFFEL_FAULT_SILENT = 2        /* send nothing */
} StoffelFault;

/* Every option of a local session (stoffel_run_local_mpc takes the common
 * ones).  Fill with stoffel_local_mpc_options_init (threshold 1, the rest
 * zero/NULL), then set n_parties and what else you need. */
typedef struct {
    uint32_t n_parties; /* n >= 3t+1, at most 255 */
    uint32_t threshold; /* t */
    const char *curve;  /* NULL = bls12-381 */
    const char *inputs; /* as for stoffel_run_local_mpc */
    const char *entry;  /* NULL = "main" */
    int timeout_ms;     /* per protocol wait; 0 = default */
    StoffelFault fault;
    uint32_t faulty; /* at most t */
    /* Where party 0's `print` output goes (NULL = stdout); the other
     * parties' copies are dropped. */
    void (*write)(void *user_data, const char *text, size_t len);
    void *write_user_data;
    /* Local storage (LocalStorage.*) and saved preprocessing: party I uses
     * PATH.partyI (NULL = none); docs/storage.md. */
    const char *local_store;
    const char *preproc_store;
    /* Non-NULL: receives what the session cost per party, also when it
     * fails (free with stoffel_cost_report_free; NULL if nothing ran). */
    struct StoffelCostReport **cost_report;
    /* Non-NULL: party 0 writes a progress line here, at most once a
     * second, while preprocessing or a wait for the other nodes has lasted
     * over a second (stoffel-run: stderr when it is a terminal). */
    FILE *progress;
    /* "honeybadger" (NULL) or "avss" (docs/avss.md): AVSS also takes the
     * curves secp256k1 and p-256. */
    const char *backend;
    /* Non-NULL: party trace_party traces its execution here, with the
     * STOFFEL_TRACE_* flags in trace_flags (stoffel-run --trace-instr and
     * friends under --local-mpc, --trace-party N). */
    FILE *trace;
    unsigned trace_flags;
    uint32_t trace_party;
    /* Limits of every party's VM, as in StoffelConfig (0: its default).
     * heap_limit also counts the party's MPC engine buffers (preprocessing
     * pools, round buffers, early messages). */
    uint32_t max_call_depth;
    uint64_t instruction_budget;
    size_t heap_limit;
    /* At least this many clients (`--expected-output-clients`): those
     * beyond the ones in `inputs` send nothing and only receive outputs. */
    uint32_t output_clients;
} StoffelLocalMpcOptions;

/* What an MPC session cost, per party: online rounds, messages and bytes
 * sent and received, preprocessed material used, time per phase, and a
 * timeline of the rounds (docs/programming.md §9). */
typedef struct StoffelCostReport StoffelCostReport;
typedef enum {
    STOFFEL_REPORT_TEXT = 0, /* a table, as `stoffel-run --stats` prints */
    STOFFEL_REPORT_JSON,     /* --stats-json */
    STOFFEL_REPORT_TRACE,    /* Chrome trace-event JSON (Perfetto), --trace */
    STOFFEL_REPORT_SVG,      /* a timeline picture, --stats-svg */
} StoffelReportFormat;
/* The report as text in one format (free with stoffel_free_text); NULL
 * for a bad argument or no memory. */
ST_API char *stoffel_cost_report_format(const StoffelCostReport *report, StoffelReportFormat format);
/* Writes the report in one format to path ("-": stderr).  STOFFEL_ERROR_IO
 * with *error (free with stoffel_free_text) naming the file. */
ST_API StoffelResult stoffel_cost_report_save(const StoffelCostReport *report, StoffelReportFormat format,
                                              const char *path, char **error);
ST_API void stoffel_cost_report_free(StoffelCostReport *report);

ST_API void stoffel_local_mpc_options_init(StoffelLocalMpcOptions *options);

/* ---- programs as files, and what the command-line runner is built on ------ */

/* A program read from a file but not loaded into a VM (opaque): it can be
 * described, loaded into any number of VMs, and run as an MPC session. */
typedef struct StoffelProgram StoffelProgram;

/* Read a program file: .stflb by its "STFL" magic, assembly text otherwise.
 * On failure *program is NULL and *error (free with stoffel_free_text)
 * names the file and the place; STOFFEL_ERROR_IO when the file cannot be
 * read ("cannot read 'FILE': ..."), STOFFEL_ERROR_LOAD when it does not
 * parse ("FILE:LINE:COL: error: ..." or "FILE: error at byte offset N:
 * ..."). */
ST_API StoffelResult stoffel_program_read(const char *path, StoffelProgram **program, char **error);
ST_API void stoffel_program_free(StoffelProgram *program);
/* The StoffelLang source line of instruction `instruction` of `function`
 * in a program compiled from a .stfl file (0 when unknown: assembly or
 * bytecode, or no such instruction).  Names the place of a run-time error. */
ST_API unsigned stoffel_program_source_line(const StoffelProgram *program, const char *function, int64_t instruction);

/* What `stoffel-run --info` prints: format version, constants, every
 * function (parameters, registers, instructions, duplicates marked) and the
 * manifest.  Free with stoffel_free_text; NULL when memory runs out. */
ST_API char *stoffel_program_describe(const StoffelProgram *program);

/* Verify and register a read program's functions (as stoffel_load). */
ST_API StoffelResult stoffel_load_program(StoffelVM *vm, const StoffelProgram *program);

/* Calls by constant name that no loaded function or registered builtin
 * answers: fn(user_data, function, instruction, name, suggestion) for each,
 * where suggestion is the closest registered name ("did you mean") or
 * NULL; returns how many.  Not an error by itself: an embedder may register
 * them later.  `stoffel-run` prints a warning for each one that has a
 * suggestion, before running. */
typedef void (*StoffelUnresolvedCallFn)(void *user_data, const char *function, int64_t instruction, const char *name,
                                        const char *suggestion);
ST_API size_t stoffel_unresolved_calls(StoffelVM *vm, StoffelUnresolvedCallFn fn, void *user_data);

/* 1 if `name` is a foreign function or builtin (not loaded bytecode), else 0. */
ST_API int stoffel_is_foreign_function(StoffelVM *vm, const char *name);

/* The name of the index-th native function (builtin or foreign) the VM has
 * registered, in registration order; NULL past the last.  Valid while the VM
 * lives.  `stoffel-run --list-builtins` prints these. */
ST_API const char *stoffel_builtin_at(StoffelVM *vm, size_t index);

/* The one-line signature docs/builtins.md gives for a builtin
 * ("Share.mul(a, b ...) -> ..."), or NULL if it has no entry. */
ST_API const char *stoffel_builtin_summary(const char *name);

/* Trace execution to `out` (NULL: stop tracing), in upstream's formats:
 * instructions "[instr][depth D][FN][pc P] BEFORE LDI(0, 42)", register
 * writes "[regs][depth D][FN] R3 (clear[3]): () -> 42", the argument stack
 * and calls "[stack][depth D][FN] PUSH 5", "[stack][depth D] CALL
 * <function f> with [5]", "[stack][depth D] RET  <function f> => 6".
 * Tracing runs the interpreter's checked mode. */
#define STOFFEL_TRACE_INSTRUCTIONS 1u
#define STOFFEL_TRACE_REGISTERS 2u
#define STOFFEL_TRACE_STACK 4u
ST_API StoffelResult stoffel_set_trace(StoffelVM *vm, FILE *out, unsigned flags);

/* LocalStorage.* of this VM keep their values in the SQLite file `path`
 * (created 0600 if missing; docs/storage.md).  The store is closed with the
 * VM.  STOFFEL_ERROR_INVALID with the reason when the file is unusable. */
ST_API StoffelResult stoffel_open_local_store(StoffelVM *vm, const char *path);

/* The value in `slot` as `stoffel-run` prints it after "Program returned: "
 * (upstream's plain form: integers without width suffix, strings quoted,
 * arrays and objects spelled out).  Free *text with stoffel_free_text. */
ST_API StoffelResult stoffel_format_slot(StoffelVM *vm, int slot, char **text);

/* Run a read program as a local MPC session (see stoffel_run_local_mpc).
 * *outputs (may be "") lists the values sent to clients with
 * MpcOutput.send_to_client, one line "client C received: V" each.
 * STOFFEL_ERROR_INVALID for unusable options or inputs, STOFFEL_ERROR_LOAD
 * when the program does not register, STOFFEL_ERROR_RUNTIME for execution
 * and protocol failures; *error (free with stoffel_free_text) says which,
 * naming the party or client. */
ST_API StoffelResult stoffel_run_local_mpc_program(const StoffelProgram *program, const StoffelLocalMpcOptions *options,
                                                   char **result, char **outputs, char **error);

/* One node of a networked session (docs/network.md): a party, or a client
 * (client = 1).  Fields left zero/NULL take the defaults named. */
typedef struct {
    const char *program_path; /* parties: the program file (its bytes are hashed) */
    const char *entry;        /* NULL = main */
    const char *roster_path, *key_path, *cert_path;
    int client;
    int64_t party_id;   /* party mode: >= 0 */
    int64_t client_id;  /* client mode: >= 0 */
    uint32_t n_parties; /* 0 = as many as the roster lists */
    uint32_t threshold;
    const char *curve;          /* NULL = bls12-381 */
    uint32_t inputs_per_client; /* parties: 0 = from the manifest, else 1 */
    const char *inputs;         /* client: its values, comma separated */
    const char *bind;           /* party: listen here instead of the roster address */
    const char *session;        /* optional label mixed into the instance id */
    int timeout_ms;             /* per protocol wait; 0 = 10,000 (client output wait 60,000) */
    int connect_timeout_ms;     /* waiting for the other nodes; 0 = 60,000 */
    const char *roster_text;    /* the roster in memory (instead of roster_path) */
    /* Upstream's `--servers A,B,...`: the parties' addresses in order,
     * checked against the roster (never a reason to connect somewhere
     * unauthenticated). */
    const char *servers;
    /* Discovery: leader (party 0, collects registrations on `bind`) or
     * bootstrap = the leader's HOST:PORT.  Needs STOFFEL_AUTH_TOKEN (parties)
     * or STOFFEL_CLIENT_TOKEN (clients). */
    int leader;
    const char *bootstrap;
    const char *leader_key_id; /* pin the leader's key (64 hex); required unless insecure_no_leader_pin */
    uint32_t n_clients;        /* leader: clients to wait for */
    /* party: local storage and saved preprocessing files (NULL = none;
     * a client refuses them); docs/storage.md. */
    const char *local_store;
    const char *preproc_store;
    const char *backend; /* "honeybadger" (NULL) or "avss", as StoffelLocalMpcOptions */
    /* Upstream's client-I/O flags (docs/network.md); zero = not given. */
    uint32_t outputs;             /* client: values the result must have (--outputs) */
    int output_fixed_point;       /* client: print every output as fixed point ... */
    uint32_t output_frac_bits;    /* ... with this many fractional bits (<= 62) */
    uint32_t wait_for_clients;    /* party: the session's client count (--wait-for-clients) */
    uint32_t client_input_total;  /* party: inputs of all clients together */
    const char *expected_clients; /* leader: client certificates, comma separated, in seat order */
    int has_client_index;         /* client: claims seat client_index (--client-index) */
    uint32_t client_index;
    /* party: non-NULL receives what the session cost this party (a report
     * of one party; free with stoffel_cost_report_free), also when it
     * fails; progress as StoffelLocalMpcOptions.progress. */
    struct StoffelCostReport **cost_report;
    FILE *progress;
    /* party: its VM's limits, as in StoffelLocalMpcOptions (0: default). */
    uint32_t max_call_depth;
    uint64_t instruction_budget;
    size_t heap_limit;
    /* discovery: register with an unpinned leader (no leader_key_id),
     * warned about on stderr; refused otherwise. */
    int insecure_no_leader_pin;
    /* how long a connection lost to a reset may take to come back before
     * the peer counts as gone (docs/network.md); 0 = 5,000, negative = never */
    int reconnect_ms;
    /* leader: the file listing the keys that may take a party seat
     * (--party-keys); required unless insecure_any_party_key (warned) */
    const char *party_keys;
    int insecure_any_party_key;
} StoffelNetOptions;

/* Run this node's part of a networked session as stoffel-run does: it
 * prints the result on stdout and errors on stderr (the handles below do
 * neither), and returns the process exit code
 * (docs/network.md: 0 ok, 2 bad configuration, 3 bad program, 4 execution
 * failed, 11-13 party setup, 21-25 client).  program may be NULL for a
 * client. */
ST_API int stoffel_run_network_node(const StoffelProgram *program, const StoffelNetOptions *options);

/* ---- networked sessions as library calls (docs/embedding.md) --------------- */

/* A party or a client of a networked session as a handle: nothing is
 * printed; results come back as values, errors as an exit code (the
 * stoffel-run codes above) and the message stoffel-run would print (peer
 * named, timeouts).  The options are copied, the strings they point to
 * are not: they must stay valid until the run returns.  A handle runs
 * once, in the calling thread; different handles may run in different
 * threads at the same time. */
typedef struct StoffelParty StoffelParty;
typedef struct StoffelClient StoffelClient;

/* Called in the running thread as the node gets on: "registered"
 * (discovery gave it its id), "connected", "preprocessing", "online"
 * (parties), "inputs-sent", "output" (clients, once per output batch). */
typedef void (*StoffelNetProgressFn)(void *user_data, const char *stage);

/* options->client must be 0.  STOFFEL_ERROR_INVALID with *error (free
 * with stoffel_free_text) for a missing program or options. */
ST_API StoffelResult stoffel_party_new(const StoffelProgram *program, const StoffelNetOptions *options,
                                       StoffelParty **party, char **error);
ST_API void stoffel_party_set_progress(StoffelParty *party, StoffelNetProgressFn fn, void *user_data);
/* Runs the party's whole session: returns 0, or the exit code with
 * stoffel_party_error saying why. */
ST_API int stoffel_party_run(StoffelParty *party);
/* The message of a failed run as stoffel-run prints it on stderr ("" if
 * none): lines "Error: ..." or "Execution error in ...", each ending in a
 * newline. */
ST_API const char *stoffel_party_error(const StoffelParty *party);
/* The party id (with discovery: the one the leader assigned; -1 before). */
ST_API int64_t stoffel_party_id(const StoffelParty *party);
/* After a successful run: a clear result as `Program returned:` prints it,
 * or NULL when the result was secret and went to the clients;
 * *values_per_client = how many values each client got, *clients = the
 * session's clients (either may be NULL). */
ST_API const char *stoffel_party_result(const StoffelParty *party, size_t *values_per_client, uint32_t *clients);
ST_API void stoffel_party_free(StoffelParty *party);

typedef enum {
    STOFFEL_NET_INT = 0,   /* i (and d = i) */
    STOFFEL_NET_FIXED = 1, /* d; i is the raw scaled integer */
    STOFFEL_NET_BOOL = 2,  /* i = 0 or 1 */
    STOFFEL_NET_FIELD = 3, /* no signed 64-bit value: only bytes */
} StoffelNetValueKind;

typedef struct {
    StoffelNetValueKind kind;
    int64_t i;
    double d;
    const unsigned char *bytes; /* 32: the field element, most significant first */
    const char *text;           /* this value as stoffel-run prints it */
} StoffelNetValue;

/* options->client must be 1 (client_id, or discovery with
 * client_index).  Inputs: options->inputs as text, or typed values added
 * before the run (not both). */
ST_API StoffelResult stoffel_client_new(const StoffelProgram *program, const StoffelNetOptions *options,
                                        StoffelClient **client, char **error);
/* Typed inputs in order; a number for an input the program declares
 * fixed point is scaled, one for an integer input must be whole
 * (checked when the run starts).  STOFFEL_ERROR_INVALID after the run. */
ST_API StoffelResult stoffel_client_add_int(StoffelClient *client, int64_t value);
ST_API StoffelResult stoffel_client_add_fixed(StoffelClient *client, double value);
ST_API StoffelResult stoffel_client_add_bool(StoffelClient *client, int value);
ST_API void stoffel_client_set_progress(StoffelClient *client, StoffelNetProgressFn fn, void *user_data);
/* Submits the inputs and receives every output batch: 0, or the exit
 * code with stoffel_client_error saying why. */
ST_API int stoffel_client_run(StoffelClient *client);
ST_API const char *stoffel_client_error(const StoffelClient *client);
ST_API int64_t stoffel_client_id(const StoffelClient *client);
/* The output batches received (the last one is the program's result). */
ST_API size_t stoffel_client_batch_count(const StoffelClient *client);
ST_API size_t stoffel_client_value_count(const StoffelClient *client, size_t batch);
/* The batch as `Program returned:` prints it ("[1, 2.5]"; one value bare),
 * NULL past the last. */
ST_API const char *stoffel_client_batch_text(const StoffelClient *client, size_t batch);
/* Pointers in *value stay valid while the client lives.
 * STOFFEL_ERROR_RANGE past the last. */
ST_API StoffelResult stoffel_client_value(const StoffelClient *client, size_t batch, size_t index,
                                          StoffelNetValue *value);
/* Wipes the received values. */
ST_API void stoffel_client_free(StoffelClient *client);

/* A node identity for networked sessions: an Ed25519 key (PKCS#8 PEM,
 * mode 0600, never overwritten) and a self-signed certificate carrying its
 * public key with common name `common_name`.  key_id receives the key id
 * the roster lists (64 hex digits and a NUL).  On failure *error (free with
 * stoffel_free_text) says why. */
ST_API StoffelResult stoffel_net_keygen(const char *key_path, const char *cert_path, const char *common_name,
                                        char key_id[65], char **error);
/* stoffel_net_keygen writing DER (der != 0: PKCS#8 key, X.509
 * certificate, as upstream's files) or PEM. */
ST_API StoffelResult stoffel_net_keygen_as(const char *key_path, const char *cert_path, const char *common_name,
                                           int der, char key_id[65], char **error);
/* The key id of a certificate file, PEM or DER (64 hex digits and a NUL). */
ST_API StoffelResult stoffel_net_cert_key_id(const char *cert_path, char key_id[65], char **error);

/* ---- the StoffelLang compiler ----------------------------------------------------- */

/* Compile the StoffelLang file `src_path` (imports resolved next to it) and
 * write the .stflb to `out_path` (NULL: src_path with .stflb for .stfl).
 * On failure *error (free with stoffel_free_text) is the message
 * "file:line:col: error: ..." with the source line and a caret. */
ST_API StoffelResult stoffel_compile_file(const char *src_path, const char *out_path, char **error);

/* Compile source text in memory to .stflb bytes (*out, free with
 * stoffel_free_text); `filename` names it in messages and anchors imports. */
ST_API StoffelResult stoffel_compile_to_binary(const char *source, const char *filename, unsigned char **out,
                                               size_t *out_len, char **error);

#ifdef __cplusplus
}
#endif

#endif /* STOFFEL_H */
