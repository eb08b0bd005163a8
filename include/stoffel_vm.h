/* stoffel_vm.h: the C API of the upstream StoffelVM, source-compatible.
 *
 * A C program written against the header of the Rust StoffelVM compiles and
 * runs unchanged against this one: same type names, enum values, struct
 * layouts, function names, signatures and return codes.  New programs may
 * prefer the native API in stoffel.h, which gives error details, slots,
 * handles, hooks and foreign objects with finalizers; the two can be mixed
 * (stoffel_from_handle() in stoffel.h turns a VMHandle into a StoffelVM*).
 *
 * Where upstream's behaviour is unsafe this implementation is stricter
 * (docs/compat.md, section "C API"):
 *   - every pointer argument is checked for NULL (error code, no crash);
 *   - ids coming from C (OBJECT, ARRAY, FOREIGN, CLOSURE) are validated: an
 *     unknown id is a conversion error, never undefined behaviour;
 *   - bool_val is an int: written as a full int 0 or 1, read as true when
 *     non-zero;
 *   - closures have ids, so a closure returned to C can be passed back;
 *   - strings passed to a callback are freed when it returns (upstream
 *     leaks them): copy them if you need them later.
 *
 * Lifetime of ids: an object, array, foreign object or closure whose id has
 * been given to C stays alive until the VM is destroyed (upstream never
 * frees anything), so an id stays usable for the VM's lifetime.
 *
 * Threads: separate VMs may run at the same time on separate threads (the
 * library has no global mutable state); one VM must be used by one thread
 * at a time.
 *
 * The HoneyBadger MPC functions at the end are declared as upstream does and
 * run this implementation's MPC engine; two additions create the networks
 * upstream creates on the Rust side (hb_network_new_local, _tls). */
#ifndef STOFFEL_VM_API_H
#define STOFFEL_VM_API_H

#include <stddef.h>
#include <stdint.h>

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

/* A VM instance (opaque; in this implementation a StoffelVM*). */
typedef void *VMHandle;

/* Type tag of a StoffelValue.  All eight VM integer widths convert to INT. */
typedef enum {
    STOFFEL_VALUE_UNIT = 0,
    STOFFEL_VALUE_INT = 1,
    STOFFEL_VALUE_FLOAT = 2,
    STOFFEL_VALUE_BOOL = 3,
    STOFFEL_VALUE_STRING = 4,
    STOFFEL_VALUE_OBJECT = 5,
    STOFFEL_VALUE_ARRAY = 6,
    STOFFEL_VALUE_FOREIGN = 7,
    STOFFEL_VALUE_CLOSURE = 8
} StoffelValueType;

/* Payload of a StoffelValue, selected by value_type. */
typedef union {
    int64_t int_val;        /* INT */
    double float_val;       /* FLOAT */
    int bool_val;           /* BOOL: 0 false, any other value true */
    const char *string_val; /* STRING: NUL-terminated UTF-8 */
    size_t object_id;       /* OBJECT */
    size_t array_id;        /* ARRAY */
    size_t foreign_id;      /* FOREIGN */
    size_t closure_id;      /* CLOSURE (ids assigned by this library) */
} StoffelValueData;

/* A value crossing the API (16 bytes on LP64). */
typedef struct {
    StoffelValueType value_type;
    StoffelValueData data;
} StoffelValue;

/* A foreign function: args[0..arg_count-1] are the arguments, *result is
 * preset to UNIT; return 0 on success, non-zero for an error (the VM
 * reports "Foreign function NAME failed: Foreign function returned error
 * code: N").  STRING arguments are valid only during the call.  A STRING
 * result is copied by the VM; its memory stays the callback's. */
typedef int (*CForeignFunction)(const StoffelValue *args, int arg_count, StoffelValue *result);

/* Create a VM with the standard library.  NULL only when memory runs out. */
ST_API VMHandle stoffel_create_vm(void);

/* Destroy a VM and everything in it.  NULL is ignored.  Pointers of foreign
 * objects are not freed (they belong to the caller). */
ST_API void stoffel_destroy_vm(VMHandle handle);

/* Run function_name with no arguments; *result receives its value (a STRING
 * result is owned by the caller: free it with stoffel_free_string).
 * Returns 0 ok; -1 handle, function_name or result NULL; -2 name not UTF-8;
 * -3 execution error (not found, a foreign function, wrong arity, runtime
 * error); -4 the result cannot be converted (a share, a U64 above
 * INT64_MAX, a string with a NUL byte). */
ST_API int stoffel_execute(VMHandle handle, const char *function_name, StoffelValue *result);

/* Run function_name with arguments (a foreign function is called
 * directly).  Returns 0 ok; -1 handle, name or result NULL, args NULL with
 * arg_count > 0, or arg_count outside 0..1024; -2 name not UTF-8; -3 an
 * argument cannot be converted (NULL or non-UTF-8 string, unknown id,
 * invalid type tag); -4 execution error; -5 the result cannot be converted. */
ST_API int stoffel_execute_with_args(VMHandle handle, const char *function_name, const StoffelValue *args,
                                     int arg_count, StoffelValue *result);

/* Register func under name.  Returns 0 ok; -1 handle, name or func NULL;
 * -2 name not UTF-8; -3 the name is already taken (builtins included). */
ST_API int stoffel_register_foreign_function(VMHandle handle, const char *name, CForeignFunction func);

/* Register an opaque pointer (never dereferenced, never freed); *result
 * becomes a FOREIGN value with a new id (1, 2, ...).  Returns 0 ok; -1
 * handle, object or result NULL; -2 out of memory. */
ST_API int stoffel_register_foreign_object(VMHandle handle, void *object, StoffelValue *result);

/* *result becomes a STRING holding a new copy of str (free it with
 * stoffel_free_string).  Does not change the VM.  Returns 0 ok; -1 handle,
 * str or result NULL; -2 str is not UTF-8; -3 out of memory. */
ST_API int stoffel_create_string(VMHandle handle, const char *str, StoffelValue *result);

/* Free a string this library returned (results, stoffel_create_string).
 * NULL is ignored. */
ST_API void stoffel_free_string(char *str);

/* Load a .stflb image (format versions 0-9) and register its functions,
 * verified.  Returns 0 ok; -1 handle or bytecode NULL; -2 the bytes are not
 * a valid .stflb; -3 a function cannot be registered (name taken,
 * verification failed).  On failure nothing of the program stays
 * registered. */
ST_API int stoffel_load_bytecode(VMHandle handle, const uint8_t *bytecode, size_t bytecode_len);

/* ==== HoneyBadger MPC engine (declared as upstream) ====
 *
 * One engine per party, BLS12-381 Fr.  A share crossing this API is 32
 * bytes: the canonical little-endian field element.  Functions that talk
 * to the other parties block until the round is done (or times out); every
 * party must make the same calls in the same order.  One engine must be
 * used by one thread at a time. */

/* Engine and network handles (opaque). */
typedef struct HBEngineOpaque HBEngineOpaque;
typedef struct HBNetworkOpaque HBNetworkOpaque;

/* Result codes of the engine functions. */
typedef enum {
    HBEngineSuccess = 0,
    HBEngineNullPointer = 1,
    HBEngineNotReady = 2,
    HBEngineNetworkError = 3,
    HBEnginePreprocessingFailed = 4,
    HBEngineMultiplyFailed = 5,
    HBEngineOpenShareFailed = 6,
    HBEngineSerializationError = 7,
    HBEngineInvalidShareType = 8,
    HBEngineClientInputFailed = 9,
    HBEngineGetClientSharesFailed = 10,
    HBEngineRuntimeError = 11,
    HBEngineInvalidConfig = 12
} HBEngineErrorCode;

/* Share type: kind 0 secret integer (width = bits), 1 secret boolean,
 * 2 fixed point (width = total bits), 3 secret unsigned integer. */
typedef struct {
    uint8_t kind;
    int64_t width;
} CShareType;

/* Networks (additions: upstream makes them in Rust).  A network is
 * reference counted; free each one you were given with hb_network_free
 * (an engine keeps its own reference).
 *
 * hb_network_new_local: n connected in-process networks, out[i] for party
 * i (parties are then threads of this process).  HBEngineNullPointer,
 * HBEngineInvalidConfig (n not in 1..255) or HBEngineRuntimeError.
 *
 * hb_network_new_tls: party party_id's TLS 1.3 network from a roster file
 * and this party's key and certificate (stoffel-keygen, docs/network.md);
 * waits up to timeout_ms (<= 0: 60 s) until every party is connected.
 * NULL on failure with the reason in err (if given). */
ST_API HBEngineErrorCode hb_network_new_local(size_t n, HBNetworkOpaque **out);
ST_API HBNetworkOpaque *hb_network_new_tls(const char *roster_path, size_t party_id, const char *key_path,
                                           const char *cert_path, int timeout_ms, char *err, size_t errlen);

/* Create an engine for party party_id of n (threshold t, n >= 3t+1) over
 * party party_id's network.  NULL for a NULL network, bad parameters, or a
 * network of another party or size. */
ST_API HBEngineOpaque *hb_engine_new(uint64_t instance_id, size_t party_id, size_t n, size_t t, size_t n_triples,
                                     size_t n_random, HBNetworkOpaque *network_ptr);

/* Free an engine; NULL is ignored. */
ST_API void hb_engine_free(HBEngineOpaque *engine_ptr);

/* Run preprocessing (blocking): n_triples Beaver triples and n_random
 * random shares.  HBEnginePreprocessingFailed if it cannot finish.  (Later
 * operations refill what they use up on their own.) */
ST_API HBEngineErrorCode hb_engine_start_async(HBEngineOpaque *engine_ptr);

/* 1 once hb_engine_start_async succeeded, else 0 (0 for NULL). */
ST_API int hb_engine_is_ready(HBEngineOpaque *engine_ptr);

/* Multiply two shares (one round, one triple); *result_ptr (32 bytes) is
 * freed with hb_free_bytes.  A fixed-point product (kind 2) is truncated
 * back to 16 fractional bits.  HBEngineNullPointer, HBEngineInvalidShareType,
 * HBEngineSerializationError (not 32 bytes, or not below p),
 * HBEngineMultiplyFailed (protocol error or timeout). */
ST_API HBEngineErrorCode hb_engine_multiply_share_async(HBEngineOpaque *engine_ptr, CShareType share_type,
                                                        const uint8_t *left_ptr, size_t left_len,
                                                        const uint8_t *right_ptr, size_t right_len,
                                                        uint8_t **result_ptr, size_t *result_len_ptr);

/* Open a share (one round, robust) into *result_ptr: INT for kinds 0 and
 * 3, BOOL for kind 1 (or width 1), FLOAT for kind 2 (16 fractional bits).
 * HBEngineOpenShareFailed on protocol failure or a value out of range. */
ST_API HBEngineErrorCode hb_engine_open_share(HBEngineOpaque *engine_ptr, CShareType share_type,
                                              const uint8_t *share_ptr, size_t share_len, StoffelValue *result_ptr);

/* Store this party's shares of a client's inputs: [u32 LE count] then
 * count shares of 32 bytes.  HBEngineSerializationError for a malformed
 * buffer, HBEngineClientInputFailed if the client's shares were already
 * set. */
ST_API HBEngineErrorCode hb_engine_init_client_input(HBEngineOpaque *engine_ptr, uint64_t client_id,
                                                     const uint8_t *shares_data, size_t shares_len);

/* A client's shares in the same format (free with hb_free_bytes).
 * HBEngineGetClientSharesFailed for an unknown client. */
ST_API HBEngineErrorCode hb_engine_get_client_shares(HBEngineOpaque *engine_ptr, uint64_t client_id,
                                                     uint8_t **result_ptr, size_t *result_len_ptr);

/* This party's id; 0 for NULL. */
ST_API size_t hb_engine_party_id(HBEngineOpaque *engine_ptr);

/* The instance id; 0 for NULL. */
ST_API uint64_t hb_engine_instance_id(HBEngineOpaque *engine_ptr);

/* "honeybadger-mpc" (static, do not free); NULL for NULL. */
ST_API const char *hb_engine_protocol_name(HBEngineOpaque *engine_ptr);

/* A new reference to the engine's network (free with hb_network_free);
 * NULL for NULL. */
ST_API HBNetworkOpaque *hb_engine_get_network(HBEngineOpaque *engine_ptr);

/* Free a network reference; NULL is ignored. */
ST_API void hb_network_free(HBNetworkOpaque *network_ptr);

/* Free bytes an engine function returned (len as returned); NULL ignored. */
ST_API void hb_free_bytes(uint8_t *ptr, size_t len);

/* Attach the engine to the VM (secret registers, Share.*, Mpc.* then run
 * on it) and make the client shares given with hb_engine_init_client_input
 * the VM's ClientStore (clients in the order given).  The engine must
 * outlive the VM's use of it.  HBEngineInvalidConfig if the VM already has
 * another engine. */
ST_API HBEngineErrorCode hb_engine_hydrate_to_vm(HBEngineOpaque *engine_ptr, VMHandle vm_handle);

#ifdef __cplusplus
}
#endif

#endif /* STOFFEL_VM_API_H */
