/* load.h: a program from bytes or a file, in whichever form it comes:
 * a .stflb image (recognised by its "STFL" magic) or text assembly.  One
 * place for what the tools, the C APIs and the MPC runner all need. */
#ifndef STOFFEL_LOAD_H
#define STOFFEL_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "program.h"

typedef enum {
    STF_LOAD_OK = 0,
    STF_LOAD_PARSE = -1, /* malformed program: line/col or offset set */
    STF_LOAD_IO = -2,    /* the file cannot be read: io_errno set */
} StfLoadStatus;

typedef struct {
    /* Whole message naming the place: "NAME:LINE:COL: error: ..." for
     * assembly, "NAME: error at byte offset N: ..." for .stflb, or
     * "cannot read 'NAME': ..." for a file. */
    char message[768];
    uint32_t line, col; /* assembly errors (1-based), else 0 */
    int64_t offset;     /* .stflb errors, else -1 */
    int io_errno;       /* file errors, else 0 */
} StfLoadError;

/* Parse `len` bytes named `name` (for messages) into *out. */
StfLoadStatus stf_load_bytes(const char *data, size_t len, const char *name, StfProgram *out, StfLoadError *err);
/* Read and parse the file at `path`. */
StfLoadStatus stf_load_file(const char *path, StfProgram *out, StfLoadError *err);

#endif
