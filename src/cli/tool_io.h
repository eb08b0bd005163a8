/* tool_io.h: program loading shared by the command-line tools
 * (header-only: each tool is one translation unit). */
#ifndef STOFFEL_TOOL_IO_H
#define STOFFEL_TOOL_IO_H

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode/load.h"
#include "bytecode/stfl.h"

/* Load PROGRAM into *prog: a .stflb by its magic, otherwise assembly text.
 * Prints an error naming the file and the place; returns 0 or 2. */
static int tool_load_program(const char *path, StfProgram *prog)
{
    StfLoadError err;
    if (stf_load_file(path, prog, &err) != STF_LOAD_OK) {
        fprintf(stderr, "%s%s\n", err.io_errno ? "Error: " : "", err.message);
        return 2;
    }
    return 0;
}

#endif
