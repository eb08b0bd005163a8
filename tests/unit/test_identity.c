/* Key and certificate files in PEM and DER (src/net/identity.c): both
 * formats load to the same key id, the format is told by the content, and
 * each bad file gets an error naming it and the problem. */
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/identity.h"
#include "net/roster.h"
#include "unit.h"

static char dir[] = "/tmp/stoffel-identity-XXXXXX";

static const char *at(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_file(const char *name, const void *data, size_t len)
{
    FILE *f = fopen(at(name), "wb");
    if (f) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
}

/* The file's bytes with `extra` appended, written as `name`. */
static void copy_plus(const char *from, const char *name, const char *extra)
{
    FILE *f = fopen(at(from), "rb");
    unsigned char buf[8192];
    size_t n = f ? fread(buf, 1, sizeof buf - 16, f) : 0;
    if (f) fclose(f);
    memcpy(buf + n, extra, strlen(extra));
    write_file(name, buf, n + strlen(extra));
}

static uint8_t pem_id[32], der_id[32];

TEST(both_formats)
{
    char err[600];
    CHECK_MSG(tls_keygen_as(at("a.key"), at("a.crt"), "pem", false, pem_id, err, sizeof err) == 0, "%s", err);
    CHECK_MSG(tls_keygen_as(at("b.key"), at("b.crt"), "der", true, der_id, err, sizeof err) == 0, "%s", err);
    uint8_t id[32];
    CHECK_MSG(tls_cert_key_id(at("b.crt"), id, err, sizeof err) == 0, "%s", err);
    CHECK(memcmp(id, der_id, 32) == 0);
    FILE *f = fopen(at("b.key"), "rb");
    int first = f ? fgetc(f) : -1;
    if (f) fclose(f);
    CHECK_MSG(first == 0x30, "a DER key starts with a SEQUENCE, got %d", first);
    /* a DER key with a PEM certificate of the same key: both decoders */
    EVP_PKEY *k = NULL;
    X509 *c = NULL;
    CHECK_MSG(net_load_key(at("b.key"), &k, err, sizeof err) == 0, "%s", err);
    CHECK_MSG(net_load_cert(at("b.crt"), &c, err, sizeof err) == 0, "%s", err);
    CHECK(k && c && X509_check_private_key(c, k) == 1);
    EVP_PKEY_free(k);
    X509_free(c);
    /* leading white space before a PEM header is still PEM */
    copy_plus("a.crt", "ws.tmp", "");
    FILE *in = fopen(at("ws.tmp"), "rb");
    char pem[8192] = "\n  \n";
    size_t n = in ? fread(pem + 4, 1, sizeof pem - 8, in) : 0;
    if (in) fclose(in);
    write_file("ws.crt", pem, n + 4);
    CHECK_MSG(tls_cert_key_id(at("ws.crt"), id, err, sizeof err) == 0, "%s", err);
    CHECK(memcmp(id, pem_id, 32) == 0);
}

TEST(contexts)
{
    char err[600];
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    CHECK_MSG(net_ctx_use_identity(ctx, at("b.key"), at("b.crt"), err, sizeof err) == 0, "%s", err);
    SSL_CTX_free(ctx);
    ctx = SSL_CTX_new(TLS_method());
    CHECK(net_ctx_use_identity(ctx, at("a.key"), at("b.crt"), err, sizeof err) != 0);
    CHECK_MSG(strstr(err, "does not belong to certificate") && strstr(err, "a.key"), "%s", err);
    SSL_CTX_free(ctx);
}

/* (file, key or certificate, expected words in the error) */
static void bad(const char *name, int as_key, const char *want)
{
    char err[600] = "";
    int rc;
    if (as_key) {
        EVP_PKEY *k = NULL;
        rc = net_load_key(at(name), &k, err, sizeof err);
        EVP_PKEY_free(k);
    } else {
        X509 *c = NULL;
        rc = net_load_cert(at(name), &c, err, sizeof err);
        X509_free(c);
    }
    CHECK_MSG(rc != 0 && strstr(err, want) && strstr(err, name), "%s: want '%s', got '%s'", name, want, err);
}

TEST(bad_files)
{
    write_file("empty", "", 0);
    write_file("junk", "\x30\x03\x02\x01", 4);
    const char *nopem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    write_file("nopem", nopem, strlen(nopem));
    copy_plus("b.crt", "trail.crt", "x");
    copy_plus("b.key", "trail.key", "xy");
    bad("empty", 1, "is empty");
    bad("empty", 0, "is empty");
    bad("junk", 1, "neither a PEM nor a DER private key");
    bad("junk", 0, "neither a PEM nor a DER X.509 certificate");
    bad("nopem", 1, "is PEM but holds no private key");
    bad("a.crt", 1, "holds a certificate, not a private key");
    bad("b.crt", 1, "holds a certificate, not a private key");
    bad("a.key", 0, "holds a private key, not a certificate");
    bad("b.key", 0, "holds a private key, not a certificate");
    bad("trail.crt", 0, "has 1 bytes after its DER certificate");
    bad("trail.key", 1, "has 2 bytes after its DER key");
    bad("missing", 1, "No such file");
    bad(".", 0, "not a regular file");
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(both_formats);
    RUN(contexts);
    RUN(bad_files);
    const char *names[] = { "a.key", "a.crt", "b.key", "b.crt",     "ws.tmp",   "ws.crt",
                            "empty", "junk",  "nopem", "trail.crt", "trail.key" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unlink(at(names[i]));
    rmdir(dir);
    return unit_report();
}
