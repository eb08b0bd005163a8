/* tls_hello.c: the hello each side of a TLS connection sends after the
 * handshake (hello.h): making ours, checking the peer's against this
 * session, and resuming a lost connection's streams (reconnect.h). */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "net/hello.h"
#include "net/net_util.h"
#include "net/reconnect.h"
#include "net/tls_internal.h"

/* ---- hello ------------------------------------------------------------------------- */

/* The hello to node `peer`: its `inputs` line depends on who the peer is
 * (hello.h). */
size_t tls_make_hello(Net *n, uint32_t peer, char *out, size_t outlen)
{
    char hex[2 * NET_HELLO_NONCE + 1], inputs[40] = "-";
    net_hex(n->nonce, sizeof n->nonce, hex);
    const char *lie = getenv("STOFFEL_NET_TEST_DECLARE"); /* testing aid: "PARTY:COUNT" (tests/net) */
    unsigned lie_to, lie_count;
    if (n->inputs && !n->is_party && lie && sscanf(lie, "%u:%u", &lie_to, &lie_count) == 2 && lie_to == peer)
        snprintf(inputs, sizeof inputs, "%u", lie_count);
    else if (n->inputs && !n->is_party)
        snprintf(inputs, sizeof inputs, "%u", n->inputs[0]);
    else if (n->inputs && peer >= n->roster.n_parties && n->inputs[peer - n->roster.n_parties] == TLS_INPUTS_DECLARED)
        snprintf(inputs, sizeof inputs, "-"); /* it says; the parties agree on it (net_mpc.c) */
    else if (n->inputs && peer >= n->roster.n_parties)
        snprintf(inputs, sizeof inputs, "%u", n->inputs[peer - n->roster.n_parties]);
    else if (n->inputs)
        snprintf(inputs, sizeof inputs, "%s", n->inputs_hash);
    int k = snprintf(out, outlen, "%s\nnode %u\nparams %s\nprogram %s\nnonce %s\ninputs %s\nrecv %llu\n",
                     NET_HELLO_VERSION, n->tr.self, n->params, n->is_party ? n->program : "-", hex, inputs,
                     (unsigned long long)n->peers[peer].rx_frames);
    return k > 0 && (size_t)k < outlen ? (size_t)k : 0;
}

static void set_fatal(Net *n, const char *msg)
{
    pthread_mutex_lock(&n->mu);
    if (!n->fatal[0]) snprintf(n->fatal, sizeof n->fatal, "%s", msg);
    pthread_cond_broadcast(&n->cv);
    pthread_mutex_unlock(&n->mu);
}

/* The `inputs` line of a peer's hello against ours (hello.h); 0 if they
 * agree or either side does not check, else -1 with msg saying who
 * expects what. */
static int check_inputs(Net *n, uint32_t peer, const char *who, const NetHello *h, char *msg, size_t msglen)
{
    uint32_t theirs;
    bool counted = net_hello_input_count(h, &theirs) == 0;
    if (!n->inputs || !h->has_inputs || strcmp(h->inputs, "-") == 0) return 0;
    if (!n->is_party) {
        uint32_t c = n->tr.self - n->roster.n_parties;
        if (counted && theirs == n->inputs[0]) return 0;
        snprintf(msg, msglen, "%s expects %s input%s from client %u, but this client has %u", who,
                 counted ? h->inputs : "another number of", counted && theirs == 1 ? "" : "s", c, n->inputs[0]);
        return -1;
    }
    if (peer >= n->roster.n_parties) {
        uint32_t c = peer - n->roster.n_parties, want = n->inputs[c];
        if (counted && (theirs == want || want == TLS_INPUTS_DECLARED)) return 0;
        snprintf(msg, msglen, "%s (client %u) has %s input%s, but the program expects %u from it", who, c,
                 counted ? h->inputs : "a malformed count of", counted && theirs == 1 ? "" : "s", want);
        return -1;
    }
    if (strcmp(h->inputs, n->inputs_hash) == 0) return 0;
    snprintf(msg, msglen,
             "%s expects other input counts from the clients (its manifest or --inputs-from-clients differs)", who);
    return -1;
}

static int check_resume(Net *n, uint32_t peer, const char *who, const NetHello *h, bool resuming);

/* Checks the peer's hello; 0 if it matches.  A mismatch is fatal for the
 * session (logged, recorded for wait_peers).  resuming: the peer's
 * connection was lost and this one is to continue its stream. */
int tls_check_hello(Net *n, uint32_t peer, const char *who, uint8_t *frame, size_t len, bool resuming)
{
    NetHello h;
    char msg[2400];
    int pr = net_hello_parse(frame, len, &h);
    if (pr == -2) {
        snprintf(msg, sizeof msg, "%s speaks %s, this node %s: every node must run the same StoffelVM-C release", who,
                 h.version, NET_HELLO_VERSION);
        net_log(n, "%s", msg);
        set_fatal(n, msg);
        return -1;
    }
    if (pr != 0) {
        net_log(n, "%s: not a StoffelVM-C node (bad hello); dropped", who);
        return -1;
    }
    if (h.node_id != (int64_t)peer) {
        net_log(n, "%s: its hello claims another node id ('%s'); dropped", who, h.node);
        return -1;
    }
    if (!h.has_params || strcmp(h.params, n->params) != 0) {
        snprintf(msg, sizeof msg, "%s runs a different session: theirs '%s', ours '%s'", who, h.params, n->params);
        net_log(n, "%s", msg);
        set_fatal(n, msg);
        return -1;
    }
    if (n->is_party && peer < n->roster.n_parties && (!h.has_program || strcmp(h.program, n->program) != 0)) {
        snprintf(msg, sizeof msg, "%s runs a different program: its hash is %.16s..., ours %.16s...", who, h.program,
                 n->program);
        net_log(n, "%s", msg);
        set_fatal(n, msg);
        return -1;
    }
    if (peer < n->roster.n_parties && !h.has_nonce) {
        net_log(n, "%s: its hello has no nonce; dropped", who);
        return -1;
    }
    if (check_inputs(n, peer, who, &h, msg, sizeof msg) != 0) {
        net_log(n, "%s", msg);
        set_fatal(n, msg);
        return -1;
    }
    if (check_resume(n, peer, who, &h, resuming) != 0) return -1;
    Peer *p = &n->peers[peer];
    pthread_mutex_lock(&p->mu);
    memcpy(p->nonce, h.nonce, sizeof p->nonce);
    p->has_nonce = h.has_nonce;
    if (!resuming) p->has_declared = net_hello_input_count(&h, &p->declared) == 0;
    pthread_mutex_unlock(&p->mu);
    return 0;
}

/* A first connection starts both streams at frame 0; a resumed one must
 * come from the same process (its run nonce) and says how much of our
 * stream it has: the rest is written again (reconnect.h). */
static int check_resume(Net *n, uint32_t peer, const char *who, const NetHello *h, bool resuming)
{
    Peer *p = &n->peers[peer];
    if (!resuming) {
        if (h->has_recv && h->recv != 0) {
            net_log(n, "%s: its first hello claims %llu frames received; dropped", who, (unsigned long long)h->recv);
            return -1;
        }
        p->resumable = h->has_recv;
        return 0;
    }
    pthread_mutex_lock(&p->mu);
    bool same = h->has_nonce && p->has_nonce && sodium_memcmp(h->nonce, p->nonce, sizeof p->nonce) == 0;
    pthread_mutex_unlock(&p->mu);
    if (!same || !h->has_recv) {
        net_log(n,
                "%s: cannot resume its lost connection: it is not the process that was connected (another run "
                "nonce); dropped",
                who);
        return -1;
    }
    uint64_t sent = p->rs.next;
    pthread_mutex_lock(&p->mu);
    int rc = net_resend_rewind(&p->rs, h->recv);
    p->inflight = p->rs.bytes;
    pthread_mutex_unlock(&p->mu);
    if (rc != 0) {
        net_log(n, "%s: cannot resume: it says it received %llu frames, but %llu were sent and %llu acknowledged", who,
                (unsigned long long)h->recv, (unsigned long long)sent, (unsigned long long)p->rs.acked);
        return -1;
    }
    p->rx_acked = p->rx_frames; /* our hello told it */
    p->rx_unacked = 0;
    net_log(n, "%s: connection resumed after %lld ms; %llu frames sent again", who,
            (long long)(net_now_ms() - p->lost_at), (unsigned long long)net_resend_unwritten_frames(&p->rs));
    return 0;
}

int tls_transport_run_nonce(Transport *t, uint8_t out[32])
{
    Net *n = t->impl;
    crypto_generichash_state st;
    crypto_generichash_init(&st, (const unsigned char *)"stoffel-run-nonce-v1", 20, 32);
    int rc = 0;
    for (uint32_t i = 0; i < n->roster.n_parties; i++) {
        uint8_t v[NET_HELLO_NONCE];
        bool have = true;
        if (i == t->self) {
            memcpy(v, n->nonce, sizeof v);
        } else {
            Peer *p = &n->peers[i];
            pthread_mutex_lock(&p->mu);
            have = p->has_nonce;
            memcpy(v, p->nonce, sizeof v);
            pthread_mutex_unlock(&p->mu);
        }
        if (!have) rc = -1;
        crypto_generichash_update(&st, v, sizeof v);
    }
    crypto_generichash_final(&st, out, 32);
    return rc;
}

int tls_transport_declared_inputs(Transport *t, uint32_t node, uint32_t *count)
{
    Net *n = t->impl;
    if (node < n->roster.n_parties || node >= tls_nodes(n)) return -1;
    Peer *p = &n->peers[node];
    pthread_mutex_lock(&p->mu);
    bool have = p->has_declared;
    *count = p->declared;
    pthread_mutex_unlock(&p->mu);
    return have ? 0 : -1;
}
