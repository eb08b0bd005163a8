/* fuzz_transport.h: a Transport whose peers are the fuzzer's input, for the
 * MPC targets (fuzz_mpc_msg.c, fuzz_client.c).  Sends are dropped; each
 * receive takes the next record of the input, and an exhausted input is a
 * timeout (so every wait of the protocol ends at once).
 *
 * A record: from (1 byte, modulo the node count), mode (1 byte), then
 *   mode bit 0 clear: a 2-byte little-endian length and that many raw bytes;
 *   mode bit 0 set:   kind (mode >> 4), sequence number (1 byte), element
 *                     count (1 byte, at most 15), and count·32 element bytes
 *                     behind a well-formed header with the right instance;
 *                     mode bit 1 set clears the top bits of each element so
 *                     it is below the field modulus.
 * The synthesized records let the fuzzer reach the routing, stash and
 * decoding logic behind the header checks. */
#ifndef FUZZ_TRANSPORT_H
#define FUZZ_TRANSPORT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/engine_internal.h"
#include "net/transport.h"

typedef struct {
    Transport tr;
    const uint8_t *data;
    size_t size, pos;
    uint64_t instance;
} FuzzNet;

static int fz_send(Transport *t, uint32_t to, const uint8_t *msg, size_t len)
{
    (void)msg;
    if (to >= t->n_parties + t->n_clients || len > TRANSPORT_MAX_MESSAGE) return TRANSPORT_ERROR;
    return TRANSPORT_OK;
}

static uint8_t fz_byte(FuzzNet *f) { return f->pos < f->size ? f->data[f->pos++] : 0; }

static int fz_recv(Transport *t, uint32_t *from, uint8_t **msg, size_t *len, int timeout_ms)
{
    (void)timeout_ms;
    FuzzNet *f = t->impl;
    if (f->size - f->pos < 2) return TRANSPORT_TIMEOUT;
    uint32_t nodes = t->n_parties + t->n_clients;
    *from = fz_byte(f) % nodes;
    uint8_t mode = fz_byte(f);
    size_t n;
    uint8_t *m;
    if (!(mode & 1)) {
        n = fz_byte(f);
        n |= (size_t)fz_byte(f) << 8;
        if (n > f->size - f->pos) n = f->size - f->pos;
        m = malloc(n ? n : 1);
        if (!m) abort();
        if (n) memcpy(m, f->data + f->pos, n);
        f->pos += n;
    } else {
        uint8_t kind = (uint8_t)(mode >> 4);
        uint64_t seq = fz_byte(f);
        uint32_t count = fz_byte(f) & 15;
        n = MPC_HDR + (size_t)count * MPC_ELEM;
        m = calloc(1, n);
        if (!m) abort();
        wire_put_hdr(m, kind, count, f->instance, seq);
        size_t body = (size_t)count * MPC_ELEM, take = f->size - f->pos < body ? f->size - f->pos : body;
        memcpy(m + MPC_HDR, f->data + f->pos, take);
        f->pos += take;
        if (mode & 2)
            for (uint32_t i = 0; i < count; i++) m[MPC_HDR + i * MPC_ELEM + 31] &= 0x0f;
    }
    *msg = m;
    *len = n;
    return TRANSPORT_OK;
}

static void fz_close(Transport *t) { (void)t; }

static const TransportOps fz_ops = { fz_send, fz_recv, fz_close };

static void fz_init(FuzzNet *f, const uint8_t *data, size_t size, uint32_t self, uint32_t n_parties, uint32_t n_clients,
                    uint64_t instance)
{
    memset(f, 0, sizeof *f);
    f->tr.ops = &fz_ops;
    f->tr.self = self;
    f->tr.n_parties = n_parties;
    f->tr.n_clients = n_clients;
    f->tr.impl = f;
    f->data = data;
    f->size = size;
    f->instance = instance;
}

#endif
