/* stoffel-dis: disassemble a .stflb file into text assembly that
 * stoffel-asm turns back into the identical bytes.
 *
 *   stoffel-dis FILE.stflb [-o FILE.s]
 *
 * Exit codes: 0 ok, 1 usage, 2 unreadable or malformed input. */
#include "bytecode/disasm.h"
#include "tool_io.h"
#include "tool_version.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: stoffel-dis FILE.stflb [-o FILE.s]\n"
                 "Disassembles a .stflb file into text assembly that stoffel-asm turns back\n"
                 "into the identical bytes.\n"
                 "  -o FILE.s               output file (default: stdout)\n"
                 "  --version               print the version\n"
                 "  -h, --help              this text\n");
}

int main(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    int hv = tool_help_or_version(argc, argv, "stoffel-dis", usage);
    if (hv >= 0) return hv;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "Error: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 1;
        } else if (!in) {
            in = argv[i];
        } else {
            fprintf(stderr, "Error: unexpected argument '%s'\n", argv[i]);
            return 1;
        }
    }
    if (!in) {
        usage(stderr);
        return 1;
    }
    StfProgram prog;
    stf_program_init(&prog);
    int rc = tool_load_program(in, &prog);
    if (rc) return rc;
    char *text = disasm_program(&prog);
    stf_program_free(&prog);
    if (!text) {
        fprintf(stderr, "Error: out of memory\n");
        return 2;
    }
    FILE *f = out ? fopen(out, "w") : stdout;
    if (!f || fputs(text, f) == EOF || (out && fclose(f) != 0)) {
        fprintf(stderr, "Error: cannot write '%s': %s\n", out ? out : "stdout", strerror(errno));
        free(text);
        return 2;
    }
    free(text);
    return 0;
}
