/* load.c: programs from bytes or files (see load.h). */
#include "load.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "stfl.h"

static void clear(StfLoadError *err)
{
    err->message[0] = '\0';
    err->line = err->col = 0;
    err->offset = -1;
    err->io_errno = 0;
}

StfLoadStatus stf_load_bytes(const char *data, size_t len, const char *name, StfProgram *out, StfLoadError *err)
{
    clear(err);
    stf_program_init(out);
    if (!name) name = "<memory>";
    if (!data) data = "";
    if (len >= 4 && memcmp(data, "STFL", 4) == 0) {
        StflError e;
        if (stfl_read((const uint8_t *)data, len, out, &e) == 0) return STF_LOAD_OK;
        snprintf(err->message, sizeof err->message, "%s: error at byte offset %" PRIu64 ": %s", name, e.offset,
                 e.message);
        err->offset = e.offset > INT64_MAX ? INT64_MAX : (int64_t)e.offset;
        return STF_LOAD_PARSE;
    }
    AsmError e;
    if (asm_parse(data, len, out, &e) == 0) return STF_LOAD_OK;
    snprintf(err->message, sizeof err->message, "%s:%u:%u: error: %s", name, e.line, e.col, e.message);
    err->line = e.line;
    err->col = e.col;
    return STF_LOAD_PARSE;
}

static StfLoadStatus io_error(StfLoadError *err, const char *path, int code)
{
    err->io_errno = code;
    snprintf(err->message, sizeof err->message, "cannot read '%s': %s", path, strerror(code));
    return STF_LOAD_IO;
}

StfLoadStatus stf_load_file(const char *path, StfProgram *out, StfLoadError *err)
{
    clear(err);
    stf_program_init(out);
    FILE *f = fopen(path, "rb");
    if (!f) return io_error(err, path, errno ? errno : EIO);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    int code = buf ? 0 : ENOMEM;
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
        if (n == cap) {
            char *nb = cap >= STF_MAX_PROGRAM_FILE ? NULL : realloc(buf, cap * 2);
            if (!nb) {
                code = cap >= STF_MAX_PROGRAM_FILE ? EFBIG : ENOMEM;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    if (!code && ferror(f)) code = errno ? errno : EIO; /* e.g. a directory */
    fclose(f);
    if (code) {
        free(buf);
        return io_error(err, path, code);
    }
    StfLoadStatus st = stf_load_bytes(buf, n, path, out, err);
    free(buf);
    return st;
}
