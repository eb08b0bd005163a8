/* program.h: the in-memory model of a StoffelVM program (wire form).
 *
 * This is what the .stflb reader produces, what the writer consumes and what
 * the text assembler builds.  It keeps everything needed to write a file back
 * byte for byte (spec/stfl-format.md §7): the version, the constant pool as
 * is, function records in file order (duplicates included), labels in file
 * order, the stored register count and the raw function-type bytes.
 *
 * It is independent of any VM: no heap values, only plain C data owned by the
 * program and released by stf_program_free().  The translator (translate.h)
 * turns it into runnable code for one VM. */
#ifndef STOFFEL_PROGRAM_H
#define STOFFEL_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

enum {
#define OP(name, byte, fmt) STF_OP_##name = byte,
#include "opcodes.def"
#undef OP
    STF_OP_COUNT
};

/* Operand layouts, see opcodes.def. */
typedef enum {
    STF_FMT_R_OFF,
    STF_FMT_R_K,
    STF_FMT_RR,
    STF_FMT_RRR,
    STF_FMT_LABEL,
    STF_FMT_NAME,
    STF_FMT_R,
    STF_FMT_NONE,
    STF_FMT_R_SLOT,
    STF_FMT_SLOT_R
} StfFormat;

/* Mnemonic ("ADD") and operand format of an opcode byte; NULL / -1 when the
 * byte is no opcode. */
const char *stf_op_name(int op);
int stf_op_format(int op);
/* Opcode for a mnemonic (case-insensitive), -1 if unknown. */
int stf_op_lookup(const char *mnemonic, size_t len);

/* Length-counted UTF-8 string owned by the program (NUL-terminated too, so
 * it can be printed; may contain interior NULs only for str32 constants). */
typedef struct {
    char *s;
    uint32_t len;
} StfStr;

/* Constant-pool tags are the wire tags (spec §3). */
typedef enum {
    STF_K_UNIT = 0,
    STF_K_I64 = 1,
    STF_K_I32 = 2,
    STF_K_I16 = 3,
    STF_K_I8 = 4,
    STF_K_U8 = 5,
    STF_K_U16 = 6,
    STF_K_U32 = 7,
    STF_K_U64 = 8,
    STF_K_FLOAT = 9,
    STF_K_BOOL = 10,
    STF_K_STRING = 11
} StfConstTag;

typedef struct {
    uint8_t tag; /* StfConstTag */
    union {
        int64_t i;  /* signed ints, sign-extended */
        uint64_t u; /* unsigned ints, zero-extended; Float raw bits */
        uint8_t b;  /* Bool: the raw byte (non-zero = true) */
        StfStr str; /* String */
    } as;
} StfConst;

typedef struct {
    uint8_t op;           /* STF_OP_* */
    uint32_t a, b, c;     /* register operands / constant index / slot, in
                             wire order: dst first (STS: a = slot, b = src) */
    int32_t off;          /* LD stack offset */
    StfStr name;          /* label (jumps) or function name (CALL) */
    uint32_t file_offset; /* byte offset in the source file (0 if none) */
    uint32_t line;        /* source line for assembled code (0 if none) */
} StfInstr;

typedef struct {
    StfStr name;
    uint32_t target; /* instruction index; may equal instr_count */
} StfLabel;

typedef struct {
    StfStr name;
    uint16_t register_count; /* as stored in the file */
    uint16_t param_count;
    StfStr *params;
    /* v>=5 function types, kept as raw encoded bytes for exact round trip:
     * param_types holds param_count encoded ftypes back to back, ret_type one. */
    uint8_t *param_types;
    uint32_t param_types_len;
    uint8_t *ret_type;
    uint32_t ret_type_len;
    uint16_t upvalue_count;
    StfStr *upvalues;
    uint8_t parent_flag; /* raw byte: 0 none, 1 present */
    StfStr parent;
    uint16_t label_count;
    StfLabel *labels; /* file order */
    uint32_t instr_count;
    StfInstr *instrs;
    uint32_t file_offset; /* where the record starts (0 if none) */
    uint32_t line;        /* assembly line of the .function (0 if none) */
} StfFunction;

typedef struct {
    uint8_t tag;   /* 0 SecretInt, 1 Fixed, 2 SecretUInt */
    uint32_t bits; /* SecretInt/SecretUInt bit length; Fixed total */
    uint32_t frac; /* Fixed fractional bits */
} StfShareType;

typedef struct {
    uint64_t slot;
    uint32_t input_count;
    StfShareType *inputs;
    uint32_t output_count;
    StfShareType *outputs;
} StfClientSchema;

typedef struct {
    uint8_t backend; /* v>=3: 0 HoneyBadger, 1 AVSS */
    uint8_t curve;   /* v>=4: 0 BLS12-381 ... 5 P-256 */
    uint32_t client_count;
    StfClientSchema *clients;
    uint64_t triples, randoms, prandbits, prandints; /* v>=8 */
    uint8_t dynamic;                                 /* v>=8, raw byte */
} StfManifest;

typedef struct {
    uint16_t version;
    uint32_t const_count;
    StfConst *consts;
    uint32_t func_count;
    StfFunction *funcs;   /* file order, duplicates included */
    StfManifest manifest; /* meaningful for version >= 2 */
} StfProgram;

#define STF_FORMAT_VERSION_MAX 9
#define STF_FORMAT_VERSION_DEFAULT 9

/* Frame size the VM uses for a function (spec §4 register_count):
 * max(stored, 1, params, highest register operand + 1). */
uint32_t stf_function_frame_size(const StfFunction *f);

/* Structural equality of two function records (labels compared as a set). */
bool stf_function_equal(const StfFunction *a, const StfFunction *b);

void stf_program_init(StfProgram *p);
void stf_program_free(StfProgram *p);
void stf_function_free(StfFunction *f);

/* Duplicate a byte string into a fresh NUL-terminated StfStr; false on OOM. */
bool stf_str_dup(StfStr *out, const char *s, size_t len);

/* Names -> entry indices, the names living in the caller's array (read
 * through name_of(ctx, k)): open addressing over index + 1, 0 empty.
 * Resolving n names is linear in n.  The caller allocates
 * stf_name_index_capacity(count) zeroed slots and sets mask = capacity - 1. */
typedef const StfStr *(*StfNameOf)(const void *ctx, uint32_t k);
typedef struct {
    uint32_t *slots;
    uint32_t mask;
} StfNameIndex;
uint32_t stf_name_index_capacity(uint32_t count);
/* The slot holding `name`'s entry, or the empty slot where it would go. */
uint32_t *stf_name_index_slot(const StfNameIndex *ix, const StfStr *name, StfNameOf name_of, const void *ctx);

/* Manifest codes (spec/stfl-format.md): the names of the MPC backends and
 * curves, index = wire value; "unknown" past the end. */
#define STF_BACKEND_COUNT 2
#define STF_CURVE_COUNT 6
const char *stf_backend_name(unsigned code);
const char *stf_curve_name(unsigned code);

#endif
