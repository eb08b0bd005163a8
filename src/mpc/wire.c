/* wire.c: message headers and element encodings of the MPC engine
 * (engine_internal.h has the layout; docs/mpc.md explains the choices). */
#include "mpc/engine_internal.h"

#include <string.h>

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_u32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

void wire_put_hdr(uint8_t *buf, uint8_t kind, uint32_t count, uint64_t instance, uint64_t seq)
{
    buf[0] = MPC_WIRE_VERSION;
    buf[1] = kind;
    buf[2] = buf[3] = 0;
    put_u32(buf + 4, count);
    put_u64(buf + 8, instance);
    put_u64(buf + 16, seq);
}

int wire_get_hdr(const uint8_t *buf, size_t len, MsgHdr *h)
{
    if (len < MPC_HDR || buf[0] != MPC_WIRE_VERSION || buf[1] == 0 || buf[1] >= MK_COUNT || buf[2] || buf[3]) return -1;
    h->kind = buf[1];
    h->count = get_u32(buf + 4);
    h->instance = get_u64(buf + 8);
    h->seq = get_u64(buf + 16);
    /* the size field must match the bytes actually received */
    if (h->count > MPC_MAX_ELEMS || len != MPC_HDR + (size_t)h->count * MPC_ELEM) return -1;
    return 0;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
static void swap_limbs(Fe *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < 4; j++) v[i].v[j] = __builtin_bswap64(v[i].v[j]);
}
void wire_limbs_to_le(Fe *v, size_t n) { swap_limbs(v, n); }
void wire_limbs_from_le(Fe *v, size_t n) { swap_limbs(v, n); }
#else
void wire_limbs_to_le(Fe *v, size_t n)
{
    (void)v;
    (void)n;
}
void wire_limbs_from_le(Fe *v, size_t n)
{
    (void)v;
    (void)n;
}
#endif

int wire_check_raw(const Field *f, const Fe *v, size_t n)
{
    const uint64_t p0 = f->p[0], p1 = f->p[1], p2 = f->p[2], p3 = f->p[3];
    /* Fast pass on the top limb only: v3 < p3 means v < p.  Only a value
     * with v3 >= p3 needs the full comparison; an honest share has that
     * with probability about 2^-64, so the branch reveals nothing about
     * honest shares (and a sender learns nothing from its own bad ones). */
    uint64_t top = 0;
    for (size_t i = 0; i < n; i++) top |= (uint64_t)(v[i].v[3] >= p3);
    if (!top) return 1;
    uint64_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        /* v < p iff v - p borrows; branch-free so the loop vectorizes */
        uint64_t b = 0;
        (void)fe_sbb_(v[i].v[0], p0, &b);
        (void)fe_sbb_(v[i].v[1], p1, &b);
        (void)fe_sbb_(v[i].v[2], p2, &b);
        (void)fe_sbb_(v[i].v[3], p3, &b);
        bad |= b ^ 1;
    }
    return !bad;
}

void wire_put_canon(const Field *f, uint8_t *out, const Fe *v, size_t n)
{
    for (size_t i = 0; i < n; i++) fe_to_bytes(f, out + MPC_ELEM * i, &v[i]);
}

int wire_get_canon(const Field *f, Fe *out, const uint8_t *in, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) bad |= fe_from_bytes(f, &out[i], in + MPC_ELEM * i);
    return bad ? -1 : 0;
}
