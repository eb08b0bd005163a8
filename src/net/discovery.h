/* discovery.h: forming a session's roster at run time instead of by hand
 * (`stoffel-run PROG --leader ...`, `--bootstrap LEADER ...`; docs/network.md).
 *
 * The leader (party 0) listens on its --bind address over TLS 1.3 with its
 * own key.  Every other node connects, presents its certificate (its key id
 * is taken from the handshake, never from the message) and sends one frame
 * (frame.h, at most DISCOVERY_MAX_FRAME bytes):
 *
 *     stoffel-register 1\n
 *     role party|client\n
 *     addr HOST:PORT\n            (parties: where the others dial it)
 *     index I\n                  (clients, optional: --client-index)
 *     token <the role's token, to the end of the frame>
 *
 * Parties present STOFFEL_AUTH_TOKEN, clients STOFFEL_CLIENT_TOKEN (the
 * leader refuses one value for both), so a client cannot take a party seat;
 * a party seat also needs a key the operator listed (--party-keys), so the
 * parties' token alone is not enough either.
 * A registrant refuses to send its token to an unpinned leader unless told
 * so (insecure_no_pin, `--insecure-no-leader-pin`, with a warning).
 * The token is compared in constant time (sodium_memcmp of BLAKE2b hashes,
 * so neither its bytes nor its length leak through timing).  A refused
 * registration gets "error <reason>\n" and is logged with its address.  When
 * n-1 parties and k clients have registered, ids are assigned in
 * registration order (party 0 is the leader, at its --bind address) - but
 * a client's seat is the one it claimed with --client-index, or its key's
 * place in the leader's --expected-clients; a claim out of range, taken
 * already, or of another key's place is refused - and every registrant gets
 *
 *     ok party|client <index> threshold <t>\n<roster text>
 *
 * after which each node runs the static-roster session (net_mpc.h). */
#ifndef STOFFEL_NET_DISCOVERY_H
#define STOFFEL_NET_DISCOVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

#define DISCOVERY_TOKEN_ENV "STOFFEL_AUTH_TOKEN"          /* parties */
#define DISCOVERY_CLIENT_TOKEN_ENV "STOFFEL_CLIENT_TOKEN" /* clients */

typedef struct {
    const char *bind; /* HOST:PORT: registrations, then party 0's session address */
    const char *key_path, *cert_path;
    uint32_t n_parties, n_clients, threshold;
    int timeout_ms;                  /* waiting for every registration */
    const uint8_t *expected_clients; /* n_clients key ids by seat (--expected-clients), or NULL */
    /* The keys that may take a party seat (--party-keys), n_party_keys of
     * them; NULL is refused unless insecure_any_party_key (then any key
     * holding the parties' token may, with a warning). */
    const uint8_t *party_keys;
    uint32_t n_party_keys;
    bool insecure_any_party_key;
} DiscoveryLeader;

typedef struct {
    const char *leader; /* HOST:PORT */
    const char *key_path, *cert_path;
    bool client;
    const char *addr;          /* party: its session address */
    const char *leader_key_id; /* 64 hex digits, or NULL: refused unless insecure_no_pin */
    bool insecure_no_pin;      /* accept any leader key (a warning on stderr) */
    int timeout_ms;            /* waiting for the roster */
    bool has_index;            /* client: claims seat `index` (--client-index) */
    uint32_t index;
} DiscoveryJoin;

enum {
    DISCOVERY_OK = 0,
    DISCOVERY_BAD_CONFIG = -1, /* keys, flags, token unset at the leader */
    DISCOVERY_LISTEN = -2,
    DISCOVERY_CONNECT = -3, /* cannot reach / authenticate the leader */
    DISCOVERY_REFUSED = -4, /* the leader refused us (reason in err) */
    DISCOVERY_TIMEOUT = -5, /* not every node registered in time */
};

/* Leader: collects the registrations and sends the roster; *roster is the
 * malloc'd roster text (party 0 = the leader). */
int discovery_lead(const DiscoveryLeader *c, char **roster, char *err, size_t errlen);
/* `--expected-clients A,B,...`: the key ids of these certificate files
 * (PEM or DER), 32 bytes each in *key_ids (free), *count of them. */
int discovery_expected_clients(const char *list, uint8_t **key_ids, uint32_t *count, char *err, size_t errlen);
/* `--party-keys FILE`: one entry a line (`#` comments): a key id (64 hex
 * digits, `stoffel-keygen --key-id`), a certificate file (PEM or DER), or a
 * roster line `party I HOST:PORT KEYID`; *key_ids (free) gets *count ids. */
int discovery_party_keys(const char *path, uint8_t **key_ids, uint32_t *count, char *err, size_t errlen);
/* Registrant: *roster the malloc'd roster text, *index its party or client
 * index, *threshold the leader's t. */
int discovery_join(const DiscoveryJoin *c, char **roster, uint32_t *index, uint32_t *threshold, char *err,
                   size_t errlen);

#endif
