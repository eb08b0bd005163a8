/* roster.c: the session roster and key tooling (roster.h): parsing the
 * roster file, key ids of certificates, stoffel-keygen's key pairs. */
#include "net/roster.h"

#include "core/config.h"
#include "net/identity.h"
#include "net/net_util.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *ssl_reason(void)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    return r ? r : "unknown TLS error";
}

void net_hex(const uint8_t *b, size_t n, char *out) { sodium_bin2hex(out, 2 * n + 1, b, n); }

bool net_unhex(const char *s, uint8_t *out, size_t n)
{
    size_t got = 0;
    const char *end = NULL;
    size_t len = strlen(s);
    return len == 2 * n && sodium_hex2bin(out, n, s, len, NULL, &got, &end) == 0 && got == n && end == s + len;
}

/* ---- roster ---------------------------------------------------------------------- */

void roster_free(Roster *r)
{
    free(r->nodes);
    memset(r, 0, sizeof *r);
}

void roster_node_name(const Roster *r, uint32_t node, char *out, size_t outlen)
{
    if (node < r->n_parties)
        snprintf(out, outlen, "party %u", node);
    else
        snprintf(out, outlen, "client %u", node - r->n_parties);
}

int64_t roster_find_key(const Roster *r, const uint8_t key_id[NET_KEY_ID_LEN])
{
    for (uint32_t i = 0; i < r->n_parties + r->n_clients; i++)
        if (memcmp(r->nodes[i].key_id, key_id, NET_KEY_ID_LEN) == 0) return i;
    return -1;
}

static bool parse_key_id(const char *s, uint8_t out[NET_KEY_ID_LEN]) { return net_unhex(s, out, NET_KEY_ID_LEN); }

static bool parse_index(const char *s, uint32_t *out)
{
    if (!*s || strlen(s) > 5) return false;
    uint32_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        v = v * 10 + (uint32_t)(*s - '0');
    }
    *out = v;
    return true;
}

int roster_parse(const char *text, size_t len, Roster *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    SHA256((const unsigned char *)text, len, r->digest);
    RosterNode *parties = calloc(ROSTER_MAX_NODES, sizeof *parties);
    RosterNode *clients = calloc(ROSTER_MAX_NODES, sizeof *clients);
    bool *seen_p = calloc(ROSTER_MAX_NODES, 1), *seen_c = calloc(ROSTER_MAX_NODES, 1);
    uint32_t np = 0, nc = 0;
    int rc = parties && clients && seen_p && seen_c ? 0 : net_errf(err, errlen, "out of memory");
    size_t pos = 0;
    unsigned lineno = 0;
    while (rc == 0 && pos < len) {
        char line[1024];
        size_t e = pos;
        while (e < len && text[e] != '\n') e++;
        lineno++;
        size_t l = e - pos;
        if (l >= sizeof line) {
            rc = net_errf(err, errlen, "line %u: too long", lineno);
            break;
        }
        memcpy(line, text + pos, l);
        line[l] = 0;
        pos = e + 1;
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char *tok[6], *save = NULL;
        int nt = 0;
        for (char *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
            if (nt == 6) {
                nt++;
                break;
            }
            tok[nt++] = t;
        }
        if (nt == 0) continue;
        RosterNode node;
        memset(&node, 0, sizeof node);
        if (strcmp(tok[0], "party") == 0) {
            node.is_party = true;
            char *colon = nt == 4 ? strrchr(tok[2], ':') : NULL;
            if (nt != 4 || !colon || colon == tok[2] || !colon[1]) {
                rc = net_errf(err, errlen, "line %u: expected 'party INDEX HOST:PORT KEYID'", lineno);
                break;
            }
            *colon = 0;
            const char *host = tok[2];
            size_t hl = strlen(host);
            if (host[0] == '[' && host[hl - 1] == ']') { /* [::1]:9001 */
                host++;
                hl -= 2;
            }
            if (hl == 0 || hl >= sizeof node.host || strlen(colon + 1) >= sizeof node.port) {
                rc = net_errf(err, errlen, "line %u: bad address", lineno);
                break;
            }
            memcpy(node.host, host, hl);
            snprintf(node.port, sizeof node.port, "%s", colon + 1);
        } else if (strcmp(tok[0], "client") == 0) {
            if (nt != 3) {
                rc = net_errf(err, errlen, "line %u: expected 'client INDEX KEYID'", lineno);
                break;
            }
        } else {
            rc = net_errf(err, errlen, "line %u: unknown entry '%s' (party or client)", lineno, tok[0]);
            break;
        }
        if (!parse_index(tok[1], &node.index) || node.index >= ROSTER_MAX_NODES) {
            rc = net_errf(err, errlen, "line %u: bad index '%s' (0..%d)", lineno, tok[1], ROSTER_MAX_NODES - 1);
            break;
        }
        if (!parse_key_id(tok[nt - 1], node.key_id)) {
            rc = net_errf(err, errlen, "line %u: the key id must be 64 hex digits (stoffel-keygen prints it)", lineno);
            break;
        }
        bool *seen = node.is_party ? seen_p : seen_c;
        if (seen[node.index]) {
            rc = net_errf(err, errlen, "line %u: %s %u listed twice", lineno, tok[0], node.index);
            break;
        }
        seen[node.index] = true;
        if (node.is_party) {
            parties[node.index] = node;
            np++;
        } else {
            clients[node.index] = node;
            nc++;
        }
    }
    for (uint32_t i = 0; rc == 0 && i < np; i++)
        if (!seen_p[i]) rc = net_errf(err, errlen, "parties must be numbered 0..%u: party %u is missing", np - 1, i);
    for (uint32_t i = 0; rc == 0 && i < nc; i++)
        if (!seen_c[i]) rc = net_errf(err, errlen, "clients must be numbered 0..%u: client %u is missing", nc - 1, i);
    if (rc == 0 && np == 0) rc = net_errf(err, errlen, "no party listed");
    if (rc == 0 && np + nc > ROSTER_MAX_NODES) rc = net_errf(err, errlen, "too many nodes");
    if (rc == 0) {
        r->nodes = calloc(np + nc, sizeof *r->nodes);
        if (!r->nodes) rc = net_errf(err, errlen, "out of memory");
    }
    if (rc == 0) {
        memcpy(r->nodes, parties, np * sizeof *parties);
        memcpy(r->nodes + np, clients, nc * sizeof *clients);
        r->n_parties = np;
        r->n_clients = nc;
        for (uint32_t i = 0; rc == 0 && i < np + nc; i++)
            for (uint32_t j = 0; rc == 0 && j < i; j++)
                if (memcmp(r->nodes[i].key_id, r->nodes[j].key_id, NET_KEY_ID_LEN) == 0) {
                    char a[32], b[32];
                    roster_node_name(r, j, a, sizeof a);
                    roster_node_name(r, i, b, sizeof b);
                    rc = net_errf(err, errlen, "%s and %s have the same key", a, b);
                }
        if (rc) roster_free(r);
    }
    free(parties);
    free(clients);
    free(seen_p);
    free(seen_c);
    return rc;
}

int roster_load(const char *path, Roster *r, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) return net_errf(err, errlen, "cannot read roster '%s': %s", path, strerror(errno));
    char *buf = malloc(1 << 20);
    size_t len = buf ? fread(buf, 1, 1 << 20, f) : 0;
    bool big = buf && len == (1 << 20);
    fclose(f);
    if (!buf) return net_errf(err, errlen, "out of memory");
    if (big) {
        free(buf);
        return net_errf(err, errlen, "roster '%s' is larger than 1 MiB", path);
    }
    char why[512];
    int rc = roster_parse(buf, len, r, why, sizeof why);
    free(buf);
    if (rc) return net_errf(err, errlen, "roster '%s': %s", path, why);
    return 0;
}

/* ---- keys ---------------------------------------------------------------------------- */

int net_key_id_of_cert(X509 *cert, uint8_t out[NET_KEY_ID_LEN])
{
    X509_PUBKEY *pk = X509_get_X509_PUBKEY(cert);
    unsigned char *der = NULL;
    int len = pk ? i2d_X509_PUBKEY(pk, &der) : -1;
    if (len <= 0) return -1;
    SHA256(der, (size_t)len, out);
    OPENSSL_free(der);
    return 0;
}

int tls_cert_key_id(const char *cert_path, uint8_t key_id[NET_KEY_ID_LEN], char *err, size_t errlen)
{
    X509 *c;
    if (net_load_cert(cert_path, &c, err, errlen) != 0) return -1; /* PEM or DER */
    int rc = net_key_id_of_cert(c, key_id);
    X509_free(c);
    return rc ? net_errf(err, errlen, "'%s': cannot encode the public key", cert_path) : 0;
}

int tls_keygen(const char *key_path, const char *cert_path, const char *common_name, uint8_t key_id[NET_KEY_ID_LEN],
               char *err, size_t errlen)
{
    return tls_keygen_as(key_path, cert_path, common_name, false, key_id, err, errlen);
}

int tls_keygen_as(const char *key_path, const char *cert_path, const char *common_name, bool der,
                  uint8_t key_id[NET_KEY_ID_LEN], char *err, size_t errlen)
{
    int rc = -1;
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    X509 *cert = X509_new();
    FILE *kf = NULL, *cf = NULL;
    if (!key || !cert) {
        net_errf(err, errlen, "cannot generate a key: %s", ssl_reason());
        goto out;
    }
    X509_set_version(cert, 2);
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) {
        net_errf(err, errlen, "no randomness");
        goto out;
    }
    serial[0] &= 0x7f;
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
    if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert))) {
        BN_free(bn);
        net_errf(err, errlen, "cannot make the certificate");
        goto out;
    }
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_time_adj_ex(X509_getm_notAfter(cert), 3650 * 10, 0, NULL);
    X509_NAME *name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)common_name, -1, -1, 0);
    X509_set_issuer_name(cert, name);
    if (X509_set_pubkey(cert, key) != 1 || X509_sign(cert, key, NULL) <= 0) {
        net_errf(err, errlen, "cannot sign the certificate: %s", ssl_reason());
        goto out;
    }
    int fd = open(key_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        net_errf(err, errlen, "cannot create key file '%s': %s", key_path, strerror(errno));
        goto out;
    }
    kf = fdopen(fd, "w");
    if (!kf) {
        close(fd);
        net_errf(err, errlen, "cannot write '%s'", key_path);
        goto out;
    }
    /* DER as upstream's rcgen writes it: PKCS#8 PrivateKeyInfo, X.509 */
    if ((der ? i2d_PKCS8PrivateKey_fp(kf, key, NULL, NULL, 0, NULL, NULL)
             : PEM_write_PrivateKey(kf, key, NULL, NULL, 0, NULL, NULL)) != 1) {
        net_errf(err, errlen, "cannot write '%s'", key_path);
        goto out;
    }
    cf = fopen(cert_path, "w");
    if (!cf || (der ? i2d_X509_fp(cf, cert) : PEM_write_X509(cf, cert)) != 1) {
        net_errf(err, errlen, "cannot write certificate '%s': %s", cert_path, strerror(errno));
        goto out;
    }
    if (net_key_id_of_cert(cert, key_id) != 0) {
        net_errf(err, errlen, "cannot encode the public key");
        goto out;
    }
    rc = 0;
out:
    if (kf && fclose(kf) != 0 && rc == 0) rc = net_errf(err, errlen, "cannot write '%s'", key_path);
    if (cf && fclose(cf) != 0 && rc == 0) rc = net_errf(err, errlen, "cannot write '%s'", cert_path);
    EVP_PKEY_free(key);
    X509_free(cert);
    return rc;
}
