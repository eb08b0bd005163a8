/* stoffellang: the StoffelLang compiler, with upstream's flags.
 *
 *   stoffellang SRC [-b] [-o OUT.stflb] [-O0..3] [--print-ir]
 *               [--mpc-backend B] [--mpc-curve C]
 *   stoffellang --disassemble FILE.stflb
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode/disasm.h"
#include "lang/lang.h"
#include "tool_version.h"
#include "tool_io.h"

static void print_usage(FILE *out)
{
    fprintf(out,
            "usage: stoffellang SRC.stfl [-b] [-o OUT.stflb] [-O0..3] [--print-ir] [--mpc-backend honeybadger|avss]\n"
            "                   [--mpc-curve bls12-381|bn254|curve25519|ed25519|secp256k1|p-256]\n"
            "       stoffellang --disassemble FILE.stflb\n");
}

/* The usage on stderr, for a command line that is wrong: exit code 1. */
static int usage(void)
{
    print_usage(stderr);
    return 1;
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "Error: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int hv = tool_help_or_version(argc, argv, "stoffellang", print_usage); /* --help on stdout, --version */
    if (hv >= 0) return hv;
    const char *src = NULL, *out = NULL, *dis = NULL;
    bool print_ir = false, binary = false;
    LangOptions o = { 0 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-b") == 0 || strcmp(a, "--binary") == 0)
            binary = true;
        else if (strcmp(a, "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strncmp(a, "-O", 2) == 0 && a[2] >= '0' && a[2] <= '3' && !a[3])
            o.opt_level = a[2] - '0';
        else if (strcmp(a, "--print-ir") == 0)
            print_ir = true;
        else if (strcmp(a, "--disassemble") == 0 && i + 1 < argc)
            dis = argv[++i];
        else if (strcmp(a, "--mpc-backend") == 0 && i + 1 < argc)
            o.backend = argv[++i];
        else if (strcmp(a, "--mpc-curve") == 0 && i + 1 < argc)
            o.curve = argv[++i];
        else if (a[0] == '-') {
            fprintf(stderr, "Error: unknown option '%s'\n", a);
            return usage() + 1;
        } else if (!src)
            src = a;
        else
            return usage();
    }
    if (o.backend && strcmp(o.backend, "honeybadger") != 0 && strcmp(o.backend, "avss") != 0) {
        fprintf(stderr, "Error: unknown MPC backend '%s' (honeybadger or avss)\n", o.backend);
        return 2;
    }
    if (dis) {
        StfProgram p;
        int rc = tool_load_program(dis, &p);
        if (rc) return rc;
        char *text = disasm_program(&p);
        if (text) fputs(text, stdout);
        free(text);
        stf_program_free(&p);
        if (!src) return 0;
    }
    if (!src) return usage();
    StfProgram p;
    char *err = NULL;
    if (lang_compile_file(src, &o, &p, &err) != 0) {
        fprintf(stderr, "%s", err);
        free(err);
        return 2;
    }
    if (print_ir) {
        char *text = disasm_program(&p);
        if (text) fputs(text, stdout);
        free(text);
    }
    int rc = 0;
    if (binary || out) {
        char defout[4096];
        if (!out) {
            snprintf(defout, sizeof defout, "%s", src);
            char *dot = strrchr(defout, '.');
            if (dot && strcmp(dot, ".stfl") == 0)
                strcpy(dot, ".stflb");
            else
                strncat(defout, ".stflb", sizeof defout - strlen(defout) - 1);
            out = defout;
        }
        uint8_t *bytes = NULL;
        size_t len = 0;
        StflError e;
        if (stfl_write(&p, &bytes, &len, &e) != 0) {
            fprintf(stderr, "Error: cannot encode the program: %s\n", e.message);
            rc = 3;
        } else if (write_file(out, bytes, len) != 0) {
            rc = 2;
        } else if (!print_ir) {
            printf("Compiled %s -> %s (%zu bytes)\n", src, out, len);
        }
        free(bytes);
    } else if (!print_ir) {
        printf("%s: OK (%u functions)\n", src, p.func_count);
    }
    stf_program_free(&p);
    return rc;
}
