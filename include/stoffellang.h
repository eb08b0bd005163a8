/* stoffellang.h: the StoffelLang compiler's C API, source-compatible with
 * upstream's crates/stoffel-lang/include/stoffellang.h.  Implemented in
 * libstoffel_vm (src/lang/capi.c).
 *
 * stoffel_compile() returns the program as structs: main_chunk is the
 * function `main`, function_chunks the others.  Opcodes are upstream's
 * numbering below (NOP, LDS and STS, which upstream's header lacks, are 23,
 * 24 and 25).  Jump operands are instruction indices; the CALL operand is
 * the index of the callee's name in the chunk's constants. */
#ifndef STOFFELLANG_H
#define STOFFELLANG_H

#include <stddef.h>
#include <stdint.h>

/* ST_API: exported from the shared library (see stoffel.h). */
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

typedef struct {
    int optimize;
    uint8_t optimization_level;
    int print_ir;
} CCompilerOptions;

typedef struct {
    char *message;
    char *file;
    size_t line;
    size_t column;
    int severity; /* STOFFEL_SEVERITY_* */
    int category; /* STOFFEL_CATEGORY_* */
    char *code;
    char *hint; /* may be NULL */
} CCompilerError;

typedef struct {
    CCompilerError *errors;
    size_t count;
} CCompilerErrors;

typedef union {
    int64_t i64_val;
    int32_t i32_val;
    int16_t i16_val;
    int8_t i8_val;
    uint64_t u64_val;
    uint32_t u32_val;
    uint16_t u16_val;
    uint8_t u8_val;
    int64_t float_val; /* fixed point: value * 2^16 */
    int bool_val;
    char *string_val;
    size_t object_val;
    size_t array_val;
    size_t foreign_val;
} CConstantData;

typedef struct {
    int const_type; /* STOFFEL_CONST_* */
    CConstantData data;
} CConstant;

typedef struct {
    uint8_t opcode;
    size_t operand1;
    size_t operand2;
    size_t operand3;
} CInstruction;

typedef struct {
    CInstruction *instructions;
    size_t instruction_count;
    CConstant *constants;
    size_t constant_count;
} CBytecodeChunk;

typedef struct {
    char *name;
    CBytecodeChunk chunk;
} CFunctionChunk;

typedef struct {
    CBytecodeChunk main_chunk;
    CFunctionChunk *function_chunks;
    size_t function_count;
} CCompiledProgram;

typedef struct {
    int success;               /* 1 success, 0 failure */
    CCompiledProgram *program; /* set on success */
    CCompilerErrors errors;
} CCompilationResult;

ST_API CCompilationResult *stoffel_compile(const char *source, const char *filename, const CCompilerOptions *options);
ST_API const char *stoffel_get_version(void);
ST_API void stoffel_free_compilation_result(CCompilationResult *result);
ST_API void stoffel_free_compiled_program(CCompiledProgram *program);
ST_API void stoffel_free_bytecode_chunk(const CBytecodeChunk *chunk);
ST_API void stoffel_free_compiler_errors(const CCompilerErrors *errors);

#define STOFFEL_OP_LD 0
#define STOFFEL_OP_LDI 1
#define STOFFEL_OP_MOV 2
#define STOFFEL_OP_ADD 3
#define STOFFEL_OP_SUB 4
#define STOFFEL_OP_MUL 5
#define STOFFEL_OP_DIV 6
#define STOFFEL_OP_MOD 7
#define STOFFEL_OP_AND 8
#define STOFFEL_OP_OR 9
#define STOFFEL_OP_XOR 10
#define STOFFEL_OP_NOT 11
#define STOFFEL_OP_SHL 12
#define STOFFEL_OP_SHR 13
#define STOFFEL_OP_JMP 14
#define STOFFEL_OP_JMPEQ 15
#define STOFFEL_OP_JMPNEQ 16
#define STOFFEL_OP_JMPLT 17
#define STOFFEL_OP_JMPGT 18
#define STOFFEL_OP_CALL 19
#define STOFFEL_OP_RET 20
#define STOFFEL_OP_PUSHARG 21
#define STOFFEL_OP_CMP 22
#define STOFFEL_OP_NOP 23
#define STOFFEL_OP_LDS 24
#define STOFFEL_OP_STS 25

#define STOFFEL_SEVERITY_WARNING 0
#define STOFFEL_SEVERITY_ERROR 1
#define STOFFEL_SEVERITY_FATAL 2

#define STOFFEL_CATEGORY_SYNTAX 0
#define STOFFEL_CATEGORY_TYPE 1
#define STOFFEL_CATEGORY_SEMANTIC 2
#define STOFFEL_CATEGORY_INTERNAL 3

#define STOFFEL_CONST_I64 0
#define STOFFEL_CONST_I32 1
#define STOFFEL_CONST_I16 2
#define STOFFEL_CONST_I8 3
#define STOFFEL_CONST_U8 4
#define STOFFEL_CONST_U16 5
#define STOFFEL_CONST_U32 6
#define STOFFEL_CONST_U64 7
#define STOFFEL_CONST_FLOAT 8
#define STOFFEL_CONST_BOOL 9
#define STOFFEL_CONST_STRING 10
#define STOFFEL_CONST_OBJECT 11
#define STOFFEL_CONST_ARRAY 12
#define STOFFEL_CONST_FOREIGN 13
#define STOFFEL_CONST_CLOSURE 14
#define STOFFEL_CONST_UNIT 15
#define STOFFEL_CONST_SHARE 16

#ifdef __cplusplus
}
#endif

#endif /* STOFFELLANG_H */
