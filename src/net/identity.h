/* identity.h: a node's key and certificate files, PEM or DER.
 *
 * Upstream's stoffel-run takes `--key` / `--cert` as DER (PKCS#8 key,
 * X.509 certificate); stoffel-keygen writes PEM by default.  Both are
 * accepted everywhere a key or certificate is read: the format is told by
 * the content (PEM starts with "-----BEGIN", after optional white space),
 * never by the file name, and decoded with OpenSSL 3's decoders.  A bad
 * file gets an error naming the file and what is wrong with it. */
#ifndef STOFFEL_NET_IDENTITY_H
#define STOFFEL_NET_IDENTITY_H

#include <openssl/types.h>
#include <stddef.h>

/* The certificate in path (PEM or DER): 0 and *cert (X509_free), or -1. */
int net_load_cert(const char *path, X509 **cert, char *err, size_t errlen);
/* The private key in path (PEM or DER, unencrypted): 0 and *key
 * (EVP_PKEY_free), or -1.  The file's bytes are wiped after decoding. */
int net_load_key(const char *path, EVP_PKEY **key, char *err, size_t errlen);
/* Loads both into ctx and checks that the key belongs to the certificate. */
int net_ctx_use_identity(SSL_CTX *ctx, const char *key_path, const char *cert_path, char *err, size_t errlen);

#endif
