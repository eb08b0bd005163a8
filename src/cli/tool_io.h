/* tool_io.h: file reading and program loading shared by the command-line
 * tools (header-only: each tool is one translation unit). */
#ifndef STOFFEL_TOOL_IO_H
#define STOFFEL_TOOL_IO_H

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode/asm.h"
#include "bytecode/stfl.h"

/* Whole file into a malloc'd buffer; NULL with errno set on failure. */
static char *tool_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
        if (n == cap) {
            char *nb = cap > ((size_t)1 << 30) ? NULL : realloc(buf, cap * 2);
            if (!nb) { free(buf); buf = NULL; errno = EFBIG; break; }
            buf = nb;
            cap *= 2;
        }
    }
    bool err = ferror(f);
    fclose(f);
    if (err) { free(buf); errno = EIO; return NULL; }
    *len = n;
    return buf;
}

/* Load PROGRAM into *prog: a .stflb by its magic, otherwise assembly text.
 * Prints an error naming the file and the place; returns 0 or 2. */
static int tool_load_program(const char *path, StfProgram *prog, bool *is_binary)
{
    size_t len = 0;
    char *data = tool_read_file(path, &len);
    if (!data) {
        fprintf(stderr, "Error: cannot read '%s': %s\n", path, strerror(errno ? errno : EIO));
        return 2;
    }
    int rc = 0;
    bool binary = len >= 4 && memcmp(data, "STFL", 4) == 0;
    if (is_binary) *is_binary = binary;
    if (binary) {
        StflError err;
        if (stfl_read((const uint8_t *)data, len, prog, &err) != 0) {
            fprintf(stderr, "%s: error at byte offset %" PRIu64 ": %s\n", path, err.offset, err.message);
            rc = 2;
        }
    } else {
        AsmError err;
        if (asm_parse(data, len, prog, &err) != 0) {
            fprintf(stderr, "%s:%u:%u: error: %s\n", path, err.line, err.col, err.message);
            rc = 2;
        }
    }
    free(data);
    return rc;
}

#endif
