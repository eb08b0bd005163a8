/* reconnect.c: the resend store and acknowledgements (reconnect.h). */
#include "net/reconnect.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_util.h"

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int net_resend_add(NetResend *r, uint8_t *buf, size_t len, uint32_t frames)
{
    return net_resend_add_cap(r, buf, len, len, frames);
}

void net_shared_put(NetShared *sh)
{
    if (sh && atomic_fetch_sub(&sh->refs, 1) == 1) sh->release(sh);
}

/* A batch is let go of: its own buffer wiped and freed, a shared one's
 * reference dropped. */
static void batch_free(NetResendBatch *b)
{
    if (b->sh)
        net_shared_put(b->sh);
    else
        net_wipe_free(b->buf, b->cap);
}

static int add_batch(NetResend *r, NetResendBatch nbat)
{
    if (r->nb == r->capb) {
        size_t ncap = r->capb ? 2 * r->capb : 16;
        NetResendBatch *nb = realloc(r->b, ncap * sizeof *nb); /* batch records, no message bytes */
        if (!nb) {
            batch_free(&nbat);
            return -1;
        }
        r->b = nb;
        r->capb = ncap;
    }
    r->b[r->nb++] = nbat;
    r->next += nbat.frames;
    r->bytes += nbat.len;
    return 0;
}

int net_resend_add_shared(NetResend *r, NetShared *sh)
{
    return add_batch(r, (NetResendBatch){ sh->buf, sh->len, sh->cap, r->next, 1, sh });
}

int net_resend_add_cap(NetResend *r, uint8_t *buf, size_t len, size_t cap, uint32_t frames)
{
    if (!len) {
        net_wipe_free(buf, cap);
        return 0;
    }
    return add_batch(r, (NetResendBatch){ buf, len, cap, r->next, frames, NULL });
}

bool net_resend_pending(const NetResend *r, const uint8_t **p, size_t *len)
{
    if (r->wi >= r->nb) return false;
    *p = r->b[r->wi].buf + r->woff;
    *len = r->b[r->wi].len - r->woff;
    return true;
}

void net_resend_wrote(NetResend *r, size_t n)
{
    r->woff += n;
    if (r->wi < r->nb && r->woff >= r->b[r->wi].len) {
        r->wi++;
        r->woff = 0;
    }
}

/* Drops the head batch (fully acknowledged).  Its buffer becomes the
 * spare if larger than the one kept (and at most NET_RESEND_SPARE_MAX):
 * the next batch of a similar size then needs no fresh pages. */
static void pop_head(NetResend *r)
{
    if (!r->b[0].sh && r->b[0].cap > r->spare_cap && r->b[0].cap <= NET_RESEND_SPARE_MAX) {
        net_wipe_free(r->spare, r->spare_cap);
        r->spare = r->b[0].buf;
        r->spare_cap = r->b[0].cap;
    } else {
        batch_free(&r->b[0]);
    }
    r->bytes -= r->b[0].len - r->head_off;
    memmove(r->b, r->b + 1, (r->nb - 1) * sizeof *r->b);
    r->nb--;
    r->head_off = 0;
    if (r->wi) r->wi--;
}

/* Where frame `count` starts: batch index and offset, walking headers from
 * the acknowledged head; false if count is out of [acked, next]. */
static bool locate(const NetResend *r, uint64_t count, size_t *bi, size_t *off)
{
    if (count < r->acked || count > r->next) return false;
    size_t i = 0, o = r->head_off;
    uint64_t at = r->acked;
    while (at < count) {
        if (i >= r->nb) return false;
        const NetResendBatch *b = &r->b[i];
        if (o + 4 > b->len) return false; /* not whole frames: cannot happen */
        o += 4 + (size_t)be32(b->buf + o);
        if (o > b->len) return false;
        at++;
        if (o == b->len) {
            i++;
            o = 0;
        }
    }
    *bi = i;
    *off = o;
    return true;
}

/* Position (bi, off) at or before the write cursor? */
static bool written(const NetResend *r, size_t bi, size_t off) { return bi < r->wi || (bi == r->wi && off <= r->woff); }

static void drop_to(NetResend *r, uint64_t count, size_t bi, size_t off)
{
    while (bi > 0) {
        pop_head(r);
        bi--;
    }
    if (r->nb && off) {
        /* the acknowledged part stays allocated (and is wiped) with its
         * batch: wiping it here too cost a pass over every byte sent */
        r->bytes -= off - r->head_off;
        r->head_off = off;
    }
    r->acked = count;
}

int net_resend_ack(NetResend *r, uint64_t count)
{
    size_t bi, off;
    if (!locate(r, count, &bi, &off) || !written(r, bi, off)) return -1;
    drop_to(r, count, bi, off);
    return 0;
}

int net_resend_rewind(NetResend *r, uint64_t count)
{
    size_t bi, off;
    if (!locate(r, count, &bi, &off) || !written(r, bi, off)) return -1;
    drop_to(r, count, bi, off);
    r->wi = 0;
    r->woff = r->head_off;
    if (r->nb && r->woff >= r->b[0].len) {
        r->wi = 1;
        r->woff = 0;
    }
    return 0;
}

uint64_t net_resend_unwritten_frames(const NetResend *r)
{
    /* frames from the write cursor on: count up to it from the head */
    uint64_t before = 0;
    size_t i = 0, o = r->head_off;
    while (i < r->nb && (i < r->wi || (i == r->wi && o < r->woff))) {
        o += 4 + (size_t)be32(r->b[i].buf + o);
        before++;
        if (o >= r->b[i].len) {
            i++;
            o = 0;
        }
    }
    return r->next - r->acked - before;
}

uint8_t *net_resend_take_spare(NetResend *r, size_t *cap)
{
    uint8_t *b = r->spare;
    *cap = r->spare_cap;
    r->spare = NULL;
    r->spare_cap = 0;
    return b;
}

void net_resend_free(NetResend *r)
{
    for (size_t i = 0; i < r->nb; i++) batch_free(&r->b[i]);
    net_wipe_free(r->spare, r->spare_cap);
    free(r->b);
    memset(r, 0, sizeof *r);
}

void net_ack_frame(uint8_t out[NET_CTL_FRAME], uint64_t count)
{
    uint32_t h = 0x80000000u | NET_CTL_LEN;
    out[0] = (uint8_t)(h >> 24);
    out[1] = (uint8_t)(h >> 16);
    out[2] = (uint8_t)(h >> 8);
    out[3] = (uint8_t)h;
    out[4] = NET_CTL_ACK;
    for (int i = 0; i < 8; i++) out[5 + i] = (uint8_t)(count >> (56 - 8 * i));
}

int net_ack_parse(const uint8_t *payload, size_t len, uint64_t *count)
{
    if (len != NET_CTL_LEN || payload[0] != NET_CTL_ACK) return -1;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | payload[1 + i];
    *count = v;
    return 0;
}

int net_backoff_ms(unsigned attempt)
{
    int ms = 50;
    for (unsigned i = 0; i < attempt && ms < 1000; i++) ms *= 2;
    return ms > 1000 ? 1000 : ms;
}
