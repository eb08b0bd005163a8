/* tool_version.h: --help and --version, the same way in every tool
 * (header-only: each tool is one translation unit).  The version is
 * stoffel.h's STOFFEL_VERSION_*, the one place it is defined (the Makefile
 * and the Python package read it from there). */
#ifndef STOFFEL_TOOL_VERSION_H
#define STOFFEL_TOOL_VERSION_H

#include <stdio.h>
#include <string.h>

#include "stoffel.h"

static inline void tool_print_version(const char *tool) { printf("%s %s\n", tool, STOFFEL_VERSION_STRING); }

/* -h/--help (usage on stdout) or --version anywhere in argv: 0 after
 * printing it, else -1 (go on).  Tools call it before their own parsing. */
static inline int tool_help_or_version(int argc, char **argv, const char *tool, void (*usage)(FILE *))
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--version") == 0) {
            tool_print_version(tool);
            return 0;
        }
    }
    return -1;
}

#endif
