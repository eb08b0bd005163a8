/* test_avss_session.c: `--mpc-backend avss` sessions through the public
 * API: a program takes Share.random (distributed key generation), reads
 * its commitment 0 (the public key), opens the same share in the exponent
 * and returns both with the commitment count and Avss.is_avss_share.  The
 * public key must equal the opened point, in every curve, with a dealer
 * that sends a wrong share, and with a silent party. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stoffel.h"
#include "unit.h"

static const char *prog_fmt = ".function main\n"
                              "    CALL Share.random\n"
                              "    MOV r1, r0\n"
                              "    LDI r2, 0\n"
                              "    PUSHARG r1\n"
                              "    PUSHARG r2\n"
                              "    CALL Share.get_commitment\n"
                              "    MOV r3, r0\n"
                              "    LDI r2, \"%s\"\n"
                              "    PUSHARG r1\n"
                              "    PUSHARG r2\n"
                              "    CALL Share.open_exp\n"
                              "    MOV r4, r0\n"
                              "    PUSHARG r1\n"
                              "    CALL Avss.commitment_count\n"
                              "    MOV r5, r0\n"
                              "    PUSHARG r1\n"
                              "    CALL Avss.is_avss_share\n"
                              "    MOV r6, r0\n"
                              "    CALL create_array\n"
                              "    MOV r7, r0\n"
                              "    PUSHARG r7\n"
                              "    PUSHARG r3\n"
                              "    CALL array_push\n"
                              "    PUSHARG r7\n"
                              "    PUSHARG r4\n"
                              "    CALL array_push\n"
                              "    PUSHARG r7\n"
                              "    PUSHARG r5\n"
                              "    CALL array_push\n"
                              "    PUSHARG r7\n"
                              "    PUSHARG r6\n"
                              "    CALL array_push\n"
                              "    RET r7\n"
                              ".end\n";

/* 1 when the session's result is [pk, pk, t+1, true]. */
static int run(const char *curve, const char *group, uint32_t n, uint32_t t, StoffelFault fault, uint32_t faulty)
{
    char path[] = "/tmp/test_avss_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return 0;
    FILE *f = fdopen(fd, "w");
    fprintf(f, prog_fmt, group);
    fclose(f);
    StoffelProgram *p = NULL;
    char *err = NULL, *result = NULL, *outputs = NULL;
    int ok = 0;
    if (stoffel_program_read(path, &p, &err) == STOFFEL_OK) {
        StoffelLocalMpcOptions o;
        stoffel_local_mpc_options_init(&o);
        o.n_parties = n;
        o.threshold = t;
        o.curve = curve;
        o.backend = "avss";
        o.fault = fault;
        o.faulty = faulty;
        o.timeout_ms = 3000;
        if (stoffel_run_local_mpc_program(p, &o, &result, &outputs, &err) == STOFFEL_OK) {
            /* "[[B, B, ...], [B, B, ...], T, true]": the two points equal */
            const char *mid = strstr(result, "], [");
            const char *end = mid ? strstr(mid + 4, "], ") : NULL;
            int cnt = -1;
            char tail[32] = "";
            if (result[0] == '[' && result[1] == '[' && mid && end && sscanf(end + 3, "%d, %31[^]]", &cnt, tail) == 2) {
                size_t la = (size_t)(mid - (result + 2)), lb = (size_t)(end - (mid + 4));
                ok = la == lb && la > 0 && memcmp(result + 2, mid + 4, la) == 0 && cnt == (int)t + 1 &&
                     strcmp(tail, "true") == 0;
            }
            if (!ok) fprintf(stderr, "  %s: %s\n", curve, result);
        } else {
            fprintf(stderr, "  %s: %s\n", curve, err ? err : "?");
        }
    } else {
        fprintf(stderr, "  %s\n", err ? err : "?");
    }
    stoffel_free_text(err);
    stoffel_free_text(result);
    stoffel_free_text(outputs);
    stoffel_program_free(p);
    unlink(path);
    return ok;
}

TEST(public_key_is_the_opened_secret)
{
    CHECK(run("bls12-381", "bls12-381-g1", 5, 1, STOFFEL_FAULT_NONE, 0));
    CHECK(run("ed25519", "ed25519-edwards", 5, 1, STOFFEL_FAULT_NONE, 0));
    CHECK(run("secp256k1", "secp256k1", 5, 1, STOFFEL_FAULT_NONE, 0));
    CHECK(run("p-256", "p-256", 4, 1, STOFFEL_FAULT_NONE, 0));
    CHECK(run("bn254", "bn254-g1", 4, 1, STOFFEL_FAULT_NONE, 0));
}

TEST(faults)
{
    CHECK(run("ed25519", "ed25519-edwards", 5, 1, STOFFEL_FAULT_WRONG_SHARES, 1));
    CHECK(run("secp256k1", "secp256k1", 5, 1, STOFFEL_FAULT_SILENT, 1));
}

TEST(unknown_curve_refused) { CHECK(!run("curve448", "ed25519-edwards", 4, 1, STOFFEL_FAULT_NONE, 0)); }

int main(void)
{
    RUN(public_key_is_the_opened_secret);
    RUN(faults);
    RUN(unknown_curve_refused);
    return unit_report();
}
