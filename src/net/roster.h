/* roster.h: a session's roster and the nodes' keys.
 *
 * Roster (docs/network.md): one node per line,
 *     party <i> <host>:<port> <64 hex digits: key id>
 *     client <c> <64 hex digits: key id>
 * '#' starts a comment.  Parties 0..n-1 and clients 0..k-1 each appear
 * exactly once; node ids are parties 0..n-1 then clients n..n+k-1.
 *
 * A node's key id is the SHA-256 of its certificate's DER
 * SubjectPublicKeyInfo; the certificate is only its carrier. */
#ifndef STOFFEL_NET_ROSTER_H
#define STOFFEL_NET_ROSTER_H

#include <openssl/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_KEY_ID_LEN 32

typedef struct {
    bool is_party;
    uint32_t index;           /* party index or client index */
    char host[256], port[16]; /* parties only */
    uint8_t key_id[NET_KEY_ID_LEN];
} RosterNode;

typedef struct {
    uint32_t n_parties, n_clients;
    RosterNode *nodes;  /* by node id: parties, then clients */
    uint8_t digest[32]; /* SHA-256 of the file's bytes */
} Roster;

/* Parses a roster file.  0 on success; -1 with err naming file and line. */
int roster_load(const char *path, Roster *r, char *err, size_t errlen);
int roster_parse(const char *text, size_t len, Roster *r, char *err, size_t errlen);
void roster_free(Roster *r);
/* "party 2" / "client 0" */
void roster_node_name(const Roster *r, uint32_t node, char *out, size_t outlen);
/* Node id of the given key id, or -1. */
int64_t roster_find_key(const Roster *r, const uint8_t key_id[NET_KEY_ID_LEN]);

/* Makes an Ed25519 key (PKCS#8, mode 0600) and a self-signed certificate
 * with the given common name, both PEM or (der) DER as upstream's files;
 * key_id receives the key id.  Refuses to overwrite an existing key file. */
int tls_keygen_as(const char *key_path, const char *cert_path, const char *common_name, bool der,
                  uint8_t key_id[NET_KEY_ID_LEN], char *err, size_t errlen);
/* tls_keygen_as in PEM. */
int tls_keygen(const char *key_path, const char *cert_path, const char *common_name, uint8_t key_id[NET_KEY_ID_LEN],
               char *err, size_t errlen);
/* The key id of the certificate in a PEM or DER file. */
int tls_cert_key_id(const char *cert_path, uint8_t key_id[NET_KEY_ID_LEN], char *err, size_t errlen);
void net_hex(const uint8_t *b, size_t n, char *out); /* out: 2n+1 bytes */
/* Exactly 2n hex digits (either case) -> n bytes; false otherwise. */
bool net_unhex(const char *s, uint8_t *out, size_t n);

/* The key id of a certificate; 0, or -1 if its key cannot be encoded. */
int net_key_id_of_cert(X509 *cert, uint8_t out[NET_KEY_ID_LEN]);

#endif
