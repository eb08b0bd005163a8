/* identity.c: key and certificate files in PEM or DER (identity.h). */
#include "net/identity.h"

#include <errno.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "net/net_util.h"

/* Key and certificate files are small; a bigger one is a wrong file. */
#define IDENTITY_MAX_FILE (1u << 20)

/* The whole file: 0 and *buf / *len (free with net_wipe_free), or -1. */
static int read_small(const char *what, const char *path, unsigned char **buf, size_t *len, char *err, size_t errlen)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return net_errf(err, errlen, "cannot read %s '%s': %s", what, path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return net_errf(err, errlen, "%s '%s' is not a regular file", what, path);
    }
    if (st.st_size == 0 || st.st_size > IDENTITY_MAX_FILE) {
        fclose(f);
        return net_errf(err, errlen, "%s '%s' is %s", what, path,
                        st.st_size == 0 ? "empty" : "too large to be a key or certificate (over 1 MiB)");
    }
    unsigned char *b = malloc((size_t)st.st_size + 1);
    size_t got = b ? fread(b, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (!b || got != (size_t)st.st_size) {
        net_wipe_free(b, (size_t)st.st_size + 1);
        return net_errf(err, errlen, "cannot read %s '%s'", what, path);
    }
    b[got] = 0; /* for the PEM checks below */
    *buf = b;
    *len = got;
    return 0;
}

/* PEM if the first non-space bytes are a PEM header, else DER. */
static bool is_pem(const unsigned char *b, size_t len)
{
    size_t i = 0;
    while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) i++;
    return len - i >= 10 && memcmp(b + i, "-----BEGIN", 10) == 0;
}

static int no_passphrase(char *pass, size_t size, size_t *len, const OSSL_PARAM params[], void *arg)
{
    (void)pass, (void)size, (void)params, (void)arg;
    *len = 0;
    return 0; /* an encrypted key is refused, never prompted for */
}

/* Decodes a private key; *rest receives the bytes left after it. */
static EVP_PKEY *decode_key(const unsigned char *b, size_t len, bool pem, size_t *rest)
{
    EVP_PKEY *key = NULL;
    OSSL_DECODER_CTX *d =
        OSSL_DECODER_CTX_new_for_pkey(&key, pem ? "PEM" : "DER", NULL, NULL, EVP_PKEY_KEYPAIR, NULL, NULL);
    const unsigned char *p = b;
    size_t left = len;
    if (d && OSSL_DECODER_CTX_set_passphrase_cb(d, no_passphrase, NULL) == 1 &&
        OSSL_DECODER_from_data(d, &p, &left) == 1) {
        *rest = left;
    } else {
        EVP_PKEY_free(key);
        key = NULL;
    }
    OSSL_DECODER_CTX_free(d);
    return key;
}

static X509 *decode_cert(const unsigned char *b, size_t len, bool pem, size_t *rest)
{
    if (pem) {
        BIO *bio = BIO_new_mem_buf(b, (int)len);
        X509 *c = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
        *rest = 0;
        return c;
    }
    const unsigned char *p = b;
    X509 *c = d2i_X509(NULL, &p, (long)len);
    *rest = c ? len - (size_t)(p - b) : 0;
    return c;
}

int net_load_cert(const char *path, X509 **cert, char *err, size_t errlen)
{
    unsigned char *b;
    size_t len, rest = 0;
    *cert = NULL;
    if (read_small("certificate", path, &b, &len, err, errlen) != 0) return -1;
    bool pem = is_pem(b, len);
    X509 *c = decode_cert(b, len, pem, &rest);
    int rc = 0;
    if (!c) {
        /* the commonest mistake: --key and --cert swapped */
        EVP_PKEY *k = decode_key(b, len, pem, &rest);
        rc = net_errf(err, errlen, "certificate '%s' %s", path,
                      k     ? "holds a private key, not a certificate (--key and --cert swapped?)"
                      : pem ? "is PEM but holds no X.509 certificate"
                            : "is neither a PEM nor a DER X.509 certificate");
        EVP_PKEY_free(k);
    } else if (rest) {
        rc = net_errf(err, errlen, "certificate '%s' has %zu bytes after its DER certificate", path, rest);
        X509_free(c);
    } else {
        *cert = c;
    }
    ERR_clear_error();
    net_wipe_free(b, len + 1);
    return rc;
}

int net_load_key(const char *path, EVP_PKEY **key, char *err, size_t errlen)
{
    unsigned char *b;
    size_t len, rest = 0;
    *key = NULL;
    if (read_small("key", path, &b, &len, err, errlen) != 0) return -1;
    bool pem = is_pem(b, len);
    EVP_PKEY *k = decode_key(b, len, pem, &rest);
    int rc = 0;
    if (!k) {
        X509 *c = decode_cert(b, len, pem, &rest);
        rc = net_errf(err, errlen, "key '%s' %s", path,
                      c ? "holds a certificate, not a private key (--key and --cert swapped?)"
                      : pem && strstr((char *)b, "ENCRYPTED") ? "is encrypted (give an unencrypted key, mode 0600)"
                      : pem ? "is PEM but holds no private key (PKCS#8, PKCS#1 or SEC1)"
                            : "is neither a PEM nor a DER private key (PKCS#8, PKCS#1 or SEC1)");
        X509_free(c);
    } else if (!pem && rest) {
        rc = net_errf(err, errlen, "key '%s' has %zu bytes after its DER key", path, rest);
        EVP_PKEY_free(k);
    } else {
        *key = k;
    }
    ERR_clear_error();
    net_wipe_free(b, len + 1);
    return rc;
}

int net_ctx_use_identity(SSL_CTX *ctx, const char *key_path, const char *cert_path, char *err, size_t errlen)
{
    X509 *cert = NULL;
    EVP_PKEY *key = NULL;
    int rc = -1;
    if (net_load_cert(cert_path, &cert, err, errlen) != 0 || net_load_key(key_path, &key, err, errlen) != 0) goto out;
    if (SSL_CTX_use_certificate(ctx, cert) != 1)
        net_errf(err, errlen, "certificate '%s' cannot be used for TLS 1.3 (its key type?)", cert_path);
    else if (SSL_CTX_use_PrivateKey(ctx, key) != 1 || SSL_CTX_check_private_key(ctx) != 1)
        net_errf(err, errlen, "key '%s' does not belong to certificate '%s'", key_path, cert_path);
    else
        rc = 0;
out:
    ERR_clear_error();
    X509_free(cert);
    EVP_PKEY_free(key);
    return rc;
}
