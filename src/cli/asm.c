/* stoffel-asm: assemble text (docs/assembly.md) into a .stflb file.
 *
 *   stoffel-asm FILE.s -o FILE.stflb [--format-version N]
 *
 * The format version defaults to the `.version` of the source (9 if none);
 * --format-version overrides it.  Exit codes: 0 ok, 1 usage, 2 bad input. */
#include "tool_io.h"
#include "tool_version.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: stoffel-asm FILE.s -o FILE.stflb [--format-version N]\n"
                 "Assembles text assembly (docs/assembly.md) into a .stflb file.\n"
                 "  -o FILE.stflb           output file\n"
                 "  --format-version N      write format version N (default: the source's .version, else 9)\n"
                 "  --version               print the version\n"
                 "  -h, --help              this text\n");
}

int main(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    long version = -1;
    int hv = tool_help_or_version(argc, argv, "stoffel-asm", usage);
    if (hv >= 0) return hv;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--format-version") == 0 && i + 1 < argc) {
            char *end;
            version = strtol(argv[++i], &end, 10);
            if (*end || version < 1 || version > STF_FORMAT_VERSION_MAX) {
                fprintf(stderr, "Error: --format-version must be 1..%d, got '%s'\n", STF_FORMAT_VERSION_MAX, argv[i]);
                return 2;
            }
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
    if (!in || !out) {
        usage(stderr);
        return 1;
    }
    StfProgram prog;
    stf_program_init(&prog);
    int rc = tool_load_program(in, &prog);
    if (rc) return rc;
    if (version > 0) prog.version = (uint16_t)version;
    uint8_t *bytes = NULL;
    size_t len = 0;
    StflError err;
    if (stfl_write(&prog, &bytes, &len, &err) != 0) {
        fprintf(stderr, "%s: error: cannot encode: %s\n", in, err.message);
        stf_program_free(&prog);
        return 2;
    }
    stf_program_free(&prog);
    FILE *f = fopen(out, "wb");
    if (!f || fwrite(bytes, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "Error: cannot write '%s': %s\n", out, strerror(errno));
        free(bytes);
        return 2;
    }
    free(bytes);
    return 0;
}
