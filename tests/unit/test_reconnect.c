/* test_reconnect.c: the resend store and acknowledgements that resume a
 * TLS transport stream after a reset (src/net/reconnect.h, issue 20 item 9):
 * a simulated stream is cut again and again, with bytes written but never
 * delivered, and the receiver must still see every frame exactly once, in
 * order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/frame.h"
#include "net/hello.h"
#include "net/reconnect.h"
#include "unit.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint32_t next_rand(uint32_t bound)
{
    rng = rng * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(rng >> 33) % bound;
}

/* A batch of k frames; frame i carries its number (8 bytes) and filler. */
static uint8_t *make_batch(uint64_t first, uint32_t k, size_t *len)
{
    size_t cap = 0;
    for (uint32_t i = 0; i < k; i++) cap += 4 + 8 + (size_t)((first + i) % 37);
    uint8_t *b = malloc(cap), *p = b;
    for (uint32_t i = 0; i < k; i++) {
        uint64_t seq = first + i;
        size_t pl = 8 + (size_t)(seq % 37);
        net_frame_header(p, (uint32_t)pl);
        for (int j = 0; j < 8; j++) p[4 + j] = (uint8_t)(seq >> (8 * j));
        memset(p + 12, (int)(seq & 0xff), pl - 8);
        p += 4 + pl;
    }
    *len = cap;
    return b;
}

static uint64_t frame_seq(const uint8_t *f)
{
    uint64_t v = 0;
    for (int j = 7; j >= 0; j--) v = v << 8 | f[j];
    return v;
}

TEST(stream_survives_resets)
{
    NetResend rs;
    memset(&rs, 0, sizeof rs);
    NetFrameDecoder dec;
    net_frame_init(&dec, 1 << 20);
    uint64_t queued = 0, received = 0, acked_sent = 0;
    int resets = 0, order_errors = 0;
    const uint64_t total = 5000;
    while (received < total) {
        if (queued < total && next_rand(3) == 0) {
            uint32_t k = 1 + next_rand(20);
            if (queued + k > total) k = (uint32_t)(total - queued);
            size_t len;
            uint8_t *b = make_batch(queued, k, &len);
            CHECK(net_resend_add(&rs, b, len, k) == 0);
            queued += k;
        }
        const uint8_t *p;
        size_t len;
        if (net_resend_pending(&rs, &p, &len)) {
            size_t w = 1 + next_rand((uint32_t)len < 300 ? (uint32_t)len : 300);
            if (w > len) w = len;
            /* some written bytes are lost with the connection */
            size_t delivered = next_rand(50) == 0 ? next_rand((uint32_t)w + 1) : w;
            size_t off = 0;
            while (off < delivered) {
                size_t used;
                uint8_t *f = NULL;
                size_t fl;
                int r = net_frame_feed(&dec, p + off, delivered - off, &used, &f, &fl);
                off += used;
                CHECK(r >= 0);
                if (r == NET_FRAME_DONE) {
                    if (frame_seq(f) != received) order_errors++;
                    received++;
                    free(f);
                }
            }
            net_resend_wrote(&rs, w);
            if (delivered < w) {
                /* the reset: the partial frame dies with the connection,
                 * the new hello says how many frames arrived */
                net_frame_free(&dec);
                CHECK(net_resend_rewind(&rs, received) == 0);
                acked_sent = received;
                resets++;
            }
        }
        if (received - acked_sent >= 7 || (received == total && acked_sent != received)) {
            CHECK(net_resend_ack(&rs, received) == 0);
            acked_sent = received;
        }
    }
    CHECK_MSG(order_errors == 0, "%d frames out of order or repeated", order_errors);
    CHECK(received == total);
    CHECK_MSG(resets > 20, "only %d resets", resets);
    CHECK(rs.bytes == 0 && rs.nb == 0 && rs.acked == total);
    net_frame_free(&dec);
    net_resend_free(&rs);
}

/* A peer cannot acknowledge frames that were not written, nor go back. */
TEST(bad_acknowledgements)
{
    NetResend rs;
    memset(&rs, 0, sizeof rs);
    size_t len;
    uint8_t *b = make_batch(0, 4, &len);
    CHECK(net_resend_add(&rs, b, len, 4) == 0);
    CHECK(net_resend_ack(&rs, 1) == -1); /* nothing written yet */
    const uint8_t *p;
    size_t pl;
    CHECK(net_resend_pending(&rs, &p, &pl) && pl == len);
    size_t first = 4 + 8; /* frame 0: 8 payload bytes */
    net_resend_wrote(&rs, first + 2);
    CHECK(net_resend_ack(&rs, 1) == 0);
    CHECK(net_resend_ack(&rs, 2) == -1); /* frame 1 only partly written */
    CHECK(net_resend_ack(&rs, 0) == -1); /* back */
    CHECK(net_resend_rewind(&rs, 5) == -1);
    CHECK(rs.acked == 1 && rs.bytes == len - first);
    CHECK(net_resend_rewind(&rs, 1) == 0);
    CHECK(net_resend_unwritten_frames(&rs) == 3);
    CHECK(net_resend_pending(&rs, &p, &pl) && pl == len - first && frame_seq(p + 4) == 1);
    net_resend_free(&rs);
    CHECK(rs.nb == 0 && rs.bytes == 0);
}

/* An acknowledged batch's buffer is kept (the largest one) for the next
 * batch, with its allocated size; a smaller one is freed. */
TEST(acknowledged_buffer_kept)
{
    NetResend rs;
    memset(&rs, 0, sizeof rs);
    size_t cap;
    CHECK(net_resend_take_spare(&rs, &cap) == NULL && cap == 0);
    size_t l1, l2;
    uint8_t *b1 = make_batch(0, 3, &l1), *b2 = make_batch(3, 1, &l2);
    uint8_t *big = realloc(b1, l1 + 100); /* allocated past what it holds */
    CHECK(big != NULL);
    CHECK(net_resend_add_cap(&rs, big, l1, l1 + 100, 3) == 0);
    CHECK(net_resend_add(&rs, b2, l2, 1) == 0);
    net_resend_wrote(&rs, l1); /* one batch at a time, as net_resend_pending gives them */
    net_resend_wrote(&rs, l2);
    CHECK(net_resend_ack(&rs, 2) == 0);
    CHECK(rs.spare == NULL); /* batch 0 is only partly acknowledged */
    CHECK(net_resend_ack(&rs, 3) == 0);
    CHECK(rs.spare == big && rs.spare_cap == l1 + 100 && rs.bytes == l2);
    CHECK(net_resend_ack(&rs, 4) == 0); /* smaller: freed, the spare stays */
    CHECK(rs.spare == big && rs.nb == 0 && rs.bytes == 0);
    uint8_t *s = net_resend_take_spare(&rs, &cap);
    CHECK(s == big && cap == l1 + 100 && rs.spare == NULL);
    CHECK(net_resend_add_cap(&rs, s, 0, cap, 0) == 0); /* empty: freed */
    net_resend_free(&rs);
}

static uint8_t *given;
static size_t given_cap;
static uint8_t *take_given(void *ctx, size_t len, size_t *cap)
{
    (void)ctx;
    if (len > given_cap) return NULL;
    *cap = given_cap;
    uint8_t *b = given;
    given = NULL;
    return b;
}

/* Payload read straight into the frame's buffer (net_frame_room), mixed
 * with bytes fed through net_frame_feed; a recycled buffer is used whole. */
TEST(frame_direct_reads)
{
    NetFrameDecoder d;
    net_frame_init(&d, 1 << 24);
    size_t room, used, fl;
    uint8_t *f = NULL;
    CHECK(net_frame_room(&d, &room) == NULL); /* between frames */
    const size_t len = 200000;                /* above NET_FRAME_FIRST: the buffer grows */
    uint8_t *src = malloc(len);
    for (size_t i = 0; i < len; i++) src[i] = (uint8_t)(i * 7 + 1);
    uint8_t hdr[4];
    net_frame_header(hdr, (uint32_t)len);
    CHECK(net_frame_feed(&d, hdr, 3, &used, &f, &fl) == NET_FRAME_MORE);
    CHECK(net_frame_room(&d, &room) == NULL); /* inside the header */
    uint8_t mix[5] = { hdr[3], src[0], src[1], src[2], src[3] };
    CHECK(net_frame_feed(&d, mix, sizeof mix, &used, &f, &fl) == NET_FRAME_MORE && used == 5);
    size_t have = 4;
    int r = NET_FRAME_MORE, grew = 0;
    while (r == NET_FRAME_MORE) {
        uint8_t *dst = net_frame_room(&d, &room);
        CHECK(dst != NULL && room > 0 && room <= len - have);
        if (!dst) break;
        size_t k = room > 30000 ? 30000 : room;
        grew += room < len - have;
        memcpy(dst, src + have, k);
        have += k;
        r = net_frame_filled(&d, k, &f, &fl);
    }
    CHECK(r == NET_FRAME_DONE && fl == len && f && memcmp(f, src, len) == 0 && grew > 0);
    free(f);
    /* a recycled buffer, larger than the frame */
    given_cap = len + 50;
    given = malloc(given_cap);
    uint8_t *mine = given;
    d.take = take_given;
    CHECK(net_frame_feed(&d, hdr, 4, &used, &f, &fl) == NET_FRAME_MORE && given == NULL);
    uint8_t *dst = net_frame_room(&d, &room);
    CHECK(dst == mine && room == len); /* never past the frame */
    memcpy(dst, src, len);
    CHECK(net_frame_filled(&d, len, &f, &fl) == NET_FRAME_DONE && f == mine && fl == len);
    free(f);
    /* control frames never take one */
    d.control_ok = true;
    given = malloc(given_cap);
    uint8_t ack[NET_CTL_FRAME];
    net_ack_frame(ack, 7);
    CHECK(net_frame_feed(&d, ack, sizeof ack, &used, &f, &fl) == NET_FRAME_CONTROL && given != NULL);
    free(f);
    free(given);
    net_frame_free(&d);
    free(src);
}

TEST(control_frames)
{
    uint8_t ack[NET_CTL_FRAME];
    net_ack_frame(ack, 0x0102030405060708u);
    NetFrameDecoder d;
    net_frame_init(&d, 1 << 20);
    size_t used, fl;
    uint8_t *f = NULL;
    /* a decoder that does not expect control frames refuses one */
    CHECK(net_frame_feed(&d, ack, sizeof ack, &used, &f, &fl) == NET_FRAME_TOO_BIG);
    net_frame_free(&d);
    net_frame_init(&d, 1 << 20);
    d.control_ok = true;
    CHECK(net_frame_feed(&d, ack, sizeof ack, &used, &f, &fl) == NET_FRAME_CONTROL);
    uint64_t v = 0;
    CHECK(net_ack_parse(f, fl, &v) == 0 && v == 0x0102030405060708u);
    CHECK(net_ack_parse(f, fl - 1, &v) == -1);
    f[0] = 7;
    CHECK(net_ack_parse(f, fl, &v) == -1);
    free(f);
    /* and a data frame still decodes as one */
    uint8_t data[6] = { 0, 0, 0, 2, 'h', 'i' };
    f = NULL;
    CHECK(net_frame_feed(&d, data, sizeof data, &used, &f, &fl) == NET_FRAME_DONE && fl == 2);
    free(f);
    /* a control header announcing more than the control bound is refused */
    uint8_t big[4] = { 0x80, 0, 0, 65 };
    CHECK(net_frame_feed(&d, big, sizeof big, &used, &f, &fl) == NET_FRAME_TOO_BIG);
    net_frame_free(&d);
}

TEST(hello_recv_line)
{
    const char *h1 = "STOFFEL-NET/2\nnode 1\nparams p\nrecv 12345\n";
    NetHello h;
    CHECK(net_hello_parse((const uint8_t *)h1, strlen(h1), &h) == 0 && h.has_recv && h.recv == 12345);
    const char *h2 = "STOFFEL-NET/2\nnode 1\nrecv 12x\n";
    CHECK(net_hello_parse((const uint8_t *)h2, strlen(h2), &h) == 0 && !h.has_recv && h.recv == 0);
    const char *h3 = "STOFFEL-NET/2\nnode 1\nrecv 99999999999999999999999\n";
    CHECK(net_hello_parse((const uint8_t *)h3, strlen(h3), &h) == 0 && !h.has_recv);
    const char *h4 = "STOFFEL-NET/2\nnode 1\n";
    CHECK(net_hello_parse((const uint8_t *)h4, strlen(h4), &h) == 0 && !h.has_recv);
}

TEST(backoff)
{
    CHECK(net_backoff_ms(0) == 50 && net_backoff_ms(1) == 100 && net_backoff_ms(4) == 800);
    CHECK(net_backoff_ms(5) == 1000 && net_backoff_ms(1000) == 1000);
}

int main(void)
{
    RUN(stream_survives_resets);
    RUN(bad_acknowledgements);
    RUN(acknowledged_buffer_kept);
    RUN(frame_direct_reads);
    RUN(control_frames);
    RUN(hello_recv_line);
    RUN(backoff);
    return unit_report();
}
