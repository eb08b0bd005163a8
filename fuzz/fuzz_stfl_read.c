/* fuzz_stfl_read.c: libFuzzer target for the .stflb reader and writer.
 *
 * Any input must either be rejected with a message, or read into a program
 * that writes back to exactly the same bytes and reads again to the same
 * bytes.  Anything else aborts.
 *
 *   clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 \
 *     -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_stfl_read.c \
 *     src/bytecode/stfl_read.c src/bytecode/stfl_write.c src/bytecode/program.c \
 *     -o build-fuzz/fuzz_stfl_read
 *   build-fuzz/fuzz_stfl_read CORPUS_DIR ../shared/fixtures/stoffel-vm
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode/stfl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    StfProgram p;
    StflError err;
    if (stfl_read(data, size, &p, &err) != 0) {
        /* a rejection must say why and point inside the input */
        if (err.message[0] == '\0' || err.offset > size) abort();
        return 0;
    }
    uint8_t *out = NULL;
    size_t out_len = 0;
    if (stfl_write(&p, &out, &out_len, &err) != 0) abort();
    if (out_len != size || memcmp(out, data, size) != 0) abort();
    stf_program_free(&p);

    StfProgram q;
    if (stfl_read(out, out_len, &q, &err) != 0) abort();
    uint8_t *again = NULL;
    size_t again_len = 0;
    if (stfl_write(&q, &again, &again_len, &err) != 0) abort();
    if (again_len != size || memcmp(again, data, size) != 0) abort();
    stf_program_free(&q);
    free(again);
    free(out);
    return 0;
}
