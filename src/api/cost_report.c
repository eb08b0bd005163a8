/* cost_report.c: per-party message counters, the round timeline and the
 * report formats (cost_report.h). */
#include "cost_report.h"

#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/format.h"
#include "stoffel.h"

/* Bound of one party's timeline: a long run keeps its counters exact but
 * stops adding segments (the report says so). */
#define COST_MAX_SEGMENTS 100000

static const char *const PHASE_NAME[COST_PHASES] = { "preprocessing", "client input", "online", "client output" };

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The phase of a message by its kind byte (docs/mpc.md "Messages"):
 * 2 deal, 3 seed, 4 check, 5 open-2t, 10 roots are preprocessing; 6 echo and
 * 7 mask client input; 9 output; the rest (openings, broadcasts, open_exp)
 * online. */
static CostPhase phase_of(const uint8_t *msg, size_t len)
{
    if (len < 2) return COST_ONLINE;
    switch (msg[1]) {
    case 2:
    case 3:
    case 4:
    case 5:
    case 10: return COST_PREPROCESSING;
    case 6:
    case 7: return COST_INPUT;
    case 9: return COST_OUTPUT;
    default: return COST_ONLINE;
    }
}

static uint64_t elapsed_us(const CostTransport *ct) { return (now_ns() - ct->t0_ns) / 1000u; }

#define NS_PER_S 1000000000u

/* One progress line, at most once a second (every_ns). */
static bool progress_due(CostTransport *ct, uint64_t now)
{
    if (!ct->progress || now - ct->last_print_ns < ct->every_ns) return false;
    ct->last_print_ns = now;
    return true;
}

/* Preprocessing that has run over a second: time, bytes, rate, material. */
static void progress_preprocessing(CostTransport *ct, const CostSegment *s)
{
    uint64_t now = now_ns();
    double secs = (double)(now - ct->t0_ns) / NS_PER_S - s->start_us / 1e6;
    if (secs * NS_PER_S < (double)ct->every_ns || !progress_due(ct, now)) return;
    MpcStats st = ct->engine ? mpc_stats(ct->engine) : (MpcStats){ 0 };
    fprintf(ct->progress, "stoffel: preprocessing %.1f s: %.2f MB sent (%.2f MB/s)", secs, s->bytes / 1e6,
            s->bytes / 1e6 / secs);
    /* done/total, rate and time left, from the engine's goal */
    uint64_t done = st.triples_made + st.randoms_made, goal = st.triples_goal + st.randoms_goal;
    if (goal > 0) {
        fprintf(ct->progress, ", triples %llu/%llu, random shares %llu/%llu (%.0f%%",
                (unsigned long long)st.triples_made, (unsigned long long)st.triples_goal,
                (unsigned long long)st.randoms_made, (unsigned long long)st.randoms_goal,
                100.0 * (done < goal ? done : goal) / goal);
        if (done > 0 && goal > done)
            fprintf(ct->progress, ", %.0f/s, about %.0f s left", done / secs, (goal - done) / (done / secs));
        fputc(')', ct->progress);
    } else {
        fprintf(ct->progress, ", %llu triples and %llu random shares made so far", (unsigned long long)st.triples_made,
                (unsigned long long)st.randoms_made);
    }
    fputc('\n', ct->progress);
    fflush(ct->progress);
}

/* A wait with nothing received for over a second. */
static void progress_wait(CostTransport *ct, int timeout_ms, uint64_t call_start)
{
    uint64_t now = now_ns();
    if (now - ct->last_activity_ns < ct->every_ns || !progress_due(ct, now)) return;
    double idle = (double)(now - ct->last_activity_ns) / NS_PER_S;
    if (timeout_ms >= 0) {
        double left = timeout_ms / 1000.0 - (double)(now - call_start) / NS_PER_S;
        fprintf(ct->progress, "stoffel: waiting for other nodes for %.0f s (gives up in %.0f s)\n", idle,
                left > 0 ? left : 0);
    } else {
        fprintf(ct->progress, "stoffel: waiting for other nodes for %.0f s\n", idle);
    }
    fflush(ct->progress);
}

/* Ends the open segment at `at`. */
static void close_segment(PartyCost *c, uint64_t at)
{
    if (!c->nseg) return;
    CostSegment *s = &c->seg[c->nseg - 1];
    if (s->dur_us == 0 && at > s->start_us) s->dur_us = at - s->start_us;
}

static void record_send(CostTransport *ct, const uint8_t *msg, size_t len)
{
    PartyCost *c = ct->cost;
    CostPhase ph = phase_of(msg, len);
    uint64_t round = ct->engine ? mpc_stats(ct->engine).rounds : 0;
    c->msgs_sent++;
    c->bytes_sent += len;
    CostSegment *last = c->nseg ? &c->seg[c->nseg - 1] : NULL;
    if (!last || last->phase != ph || last->round != round) {
        uint64_t at = elapsed_us(ct);
        if (c->nseg >= COST_MAX_SEGMENTS) {
            c->truncated = 1;
            return;
        }
        if (c->nseg == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 64;
            CostSegment *ns = realloc(c->seg, cap * sizeof *ns);
            if (!ns) {
                c->truncated = 1;
                return;
            }
            c->seg = ns;
            c->cap = cap;
        }
        close_segment(c, at);
        last = &c->seg[c->nseg++];
        *last = (CostSegment){ .phase = (uint8_t)ph, .round = round, .start_us = at };
    }
    last->messages++;
    last->bytes += len;
    if (ph == COST_PREPROCESSING) progress_preprocessing(ct, last);
}

/* send and send_later, recorded alike */
static int cost_send_as(Transport *t, uint32_t to, const uint8_t *msg, size_t len, bool later)
{
    CostTransport *ct = t->impl;
    int rc = later ? transport_send_later(ct->inner, to, msg, len) : transport_send(ct->inner, to, msg, len);
    if (rc == TRANSPORT_OK) {
        pthread_mutex_lock(&ct->lock);
        ct->last_activity_ns = now_ns();
        record_send(ct, msg, len);
        pthread_mutex_unlock(&ct->lock);
    }
    return rc;
}

static int cost_send(Transport *t, uint32_t to, const uint8_t *msg, size_t len)
{
    return cost_send_as(t, to, msg, len, false);
}

static int cost_send_later(Transport *t, uint32_t to, const uint8_t *msg, size_t len)
{
    return cost_send_as(t, to, msg, len, true);
}

static int cost_recv(Transport *t, uint32_t *from, uint8_t **msg, size_t *len, int timeout_ms)
{
    CostTransport *ct = t->impl;
    uint64_t start = now_ns();
    int rc;
    /* a long wait goes in slices of a second, so progress can be shown */
    for (;;) {
        int slice = ct->progress && (timeout_ms < 0 || timeout_ms > 1000) ? 1000 : timeout_ms;
        if (ct->progress && timeout_ms >= 0) {
            uint64_t spent_ms = (now_ns() - start) / 1000000u;
            int left = spent_ms >= (uint64_t)timeout_ms ? 0 : timeout_ms - (int)spent_ms;
            if (left < slice) slice = left;
        }
        rc = transport_recv(ct->inner, from, msg, len, slice);
        if (rc != TRANSPORT_TIMEOUT || !ct->progress) break;
        pthread_mutex_lock(&ct->lock);
        progress_wait(ct, timeout_ms, start);
        pthread_mutex_unlock(&ct->lock);
        if (timeout_ms >= 0 && (now_ns() - start) / 1000000u >= (uint64_t)timeout_ms) break;
    }
    if (rc == TRANSPORT_OK) {
        pthread_mutex_lock(&ct->lock);
        ct->last_activity_ns = now_ns();
        ct->cost->msgs_recv++;
        ct->cost->bytes_recv += *len;
        pthread_mutex_unlock(&ct->lock);
    }
    return rc;
}

/* The inner transport belongs to the session, which closes it. */
static void cost_close(Transport *t) { (void)t; }

/* Received buffers came from the inner transport: they go back there. */
static void cost_recycle(Transport *t, uint8_t *msg, size_t len)
{
    CostTransport *ct = t->impl;
    transport_recycle(ct->inner, msg, len);
}

/* One copy shared by the receivers when the inner transport can (inproc);
 * each delivered copy is recorded like a send. */
static int cost_send_many(Transport *t, const uint32_t *to, size_t n_to, const uint8_t *msg, size_t len,
                          size_t *n_failed)
{
    CostTransport *ct = t->impl;
    int rc = TRANSPORT_OK;
    *n_failed = 0;
    if (ct->inner->ops->send_many) {
        rc = ct->inner->ops->send_many(ct->inner, to, n_to, msg, len, n_failed);
    } else {
        for (size_t i = 0; i < n_to && rc != TRANSPORT_CLOSED; i++) {
            int r = transport_send(ct->inner, to[i], msg, len);
            if (r == TRANSPORT_CLOSED) rc = r;
            *n_failed += r != TRANSPORT_OK;
        }
    }
    if (rc == TRANSPORT_OK) {
        pthread_mutex_lock(&ct->lock);
        ct->last_activity_ns = now_ns();
        for (size_t i = *n_failed; i < n_to; i++) record_send(ct, msg, len);
        pthread_mutex_unlock(&ct->lock);
    }
    return rc;
}

static void cost_discard(Transport *t, uint8_t *msg, size_t len)
{
    CostTransport *ct = t->impl;
    transport_discard(ct->inner, msg, len);
}

static void cost_pause(Transport *t, uint64_t ns)
{
    CostTransport *ct = t->impl;
    transport_pause(ct->inner, ns);
}

static const TransportOps COST_OPS = { cost_send,      cost_recv,    cost_close, cost_recycle,
                                       cost_send_many, cost_discard, cost_pause, cost_send_later };
/* ...for an inner transport without send_later (the engine asks for it) */
static const TransportOps COST_OPS_NO_LATER = { cost_send,      cost_recv,    cost_close, cost_recycle,
                                                cost_send_many, cost_discard, cost_pause, NULL };

Transport *cost_report_wrap(CostTransport *ct, Transport *inner, PartyCost *cost, FILE *progress, uint32_t party)
{
    memset(ct, 0, sizeof *ct);
    if ((!cost && !progress) || !inner) return inner;
    ct->inner = inner;
    ct->cost = cost ? cost : &ct->own;
    ct->progress = progress;
    /* STOFFEL_PROGRESS_MS: after how long (and how often) progress shows;
     * default a second.  Tests set it low to see the lines at once. */
    const char *every = getenv("STOFFEL_PROGRESS_MS");
    char *end;
    unsigned long ms = every && *every ? strtoul(every, &end, 10) : 1000;
    ct->every_ns = (every && *every && (*end || ms > 3600000u)) ? NS_PER_S : ms * 1000000u;
    ct->t0_ns = ct->last_activity_ns = now_ns();
    pthread_mutex_init(&ct->lock, NULL);
    ct->base = *inner;
    ct->base.ops = inner->ops->send_later ? &COST_OPS : &COST_OPS_NO_LATER;
    ct->base.impl = ct;
    ct->cost->party = party;
    return &ct->base;
}

void cost_report_set_engine(CostTransport *ct, const MpcEngine *e)
{
    if (!ct->cost) return;
    pthread_mutex_lock(&ct->lock);
    ct->engine = e;
    pthread_mutex_unlock(&ct->lock);
}

void cost_report_finish(CostTransport *ct, const MpcEngine *e)
{
    PartyCost *c = ct->cost;
    if (!c) return;
    pthread_mutex_lock(&ct->lock);
    c->total_us = elapsed_us(ct);
    close_segment(c, c->total_us);
    for (size_t i = 0; i < c->nseg; i++) c->phase_us[c->seg[i].phase] += c->seg[i].dur_us;
    if (e) {
        MpcStats st = mpc_stats(e);
        c->rounds = st.rounds;
        c->opened = st.opened;
        c->multiplications = st.multiplications;
        c->truncations = st.truncations;
        c->triples_used = st.triples_used;
        c->randoms_used = st.randoms_used;
        c->bits_used = st.bits_used;
        c->triples_made = st.triples_made;
        c->randoms_made = st.randoms_made;
        c->bits_made = st.bits_made;
    }
    ct->engine = NULL;
    pthread_mutex_unlock(&ct->lock);
    pthread_mutex_destroy(&ct->lock);
    party_cost_free(&ct->own);
}

void party_cost_free(PartyCost *c)
{
    if (!c) return;
    free(c->seg);
    c->seg = NULL;
    c->nseg = c->cap = 0;
}

/* ---- formats --------------------------------------------------------------------- */

static void seg_name(StrBuf *b, const CostSegment *s)
{
    if (s->phase == COST_ONLINE)
        sb_printf(b, "round %llu", (unsigned long long)s->round + 1);
    else
        sb_puts(b, PHASE_NAME[s->phase]);
}

static void format_text(StrBuf *b, const PartyCost *p, uint32_t n)
{
    sb_puts(b, "cost report (per party; time in ms)\n");
    sb_puts(b, "party  rounds  msgs-sent  bytes-sent  msgs-recv  bytes-recv  triples  randoms  bits  "
               "preproc-ms  online-ms  total-ms\n");
    for (uint32_t i = 0; i < n; i++) {
        const PartyCost *c = &p[i];
        uint64_t online = c->phase_us[COST_INPUT] + c->phase_us[COST_ONLINE] + c->phase_us[COST_OUTPUT];
        sb_printf(b, "%5u  %6llu  %9llu  %10llu  %9llu  %10llu  %7llu  %7llu  %4llu  %10.3f  %9.3f  %8.3f\n", c->party,
                  (unsigned long long)c->rounds, (unsigned long long)c->msgs_sent, (unsigned long long)c->bytes_sent,
                  (unsigned long long)c->msgs_recv, (unsigned long long)c->bytes_recv,
                  (unsigned long long)c->triples_used, (unsigned long long)c->randoms_used,
                  (unsigned long long)c->bits_used, c->phase_us[COST_PREPROCESSING] / 1000.0, online / 1000.0,
                  c->total_us / 1000.0);
    }
}

static void format_json(StrBuf *b, const PartyCost *p, uint32_t n)
{
    sb_printf(b, "{\"version\": 1, \"n_parties\": %u, \"parties\": [", n);
    for (uint32_t i = 0; i < n; i++) {
        const PartyCost *c = &p[i];
        sb_printf(b,
                  "%s\n  {\"party\": %u, \"rounds\": %llu, \"opened\": %llu, \"multiplications\": %llu, "
                  "\"truncations\": %llu,\n   \"messages_sent\": %llu, \"bytes_sent\": %llu, "
                  "\"messages_received\": %llu, \"bytes_received\": %llu,\n   \"triples_used\": %llu, "
                  "\"randoms_used\": %llu, \"bits_used\": %llu, \"triples_made\": %llu, \"randoms_made\": %llu, "
                  "\"bits_made\": %llu,\n   \"preprocessing_us\": %llu, \"input_us\": %llu, \"online_us\": %llu, "
                  "\"output_us\": %llu, \"total_us\": %llu, \"timeline_truncated\": %s,\n   \"timeline\": [",
                  i ? "," : "", c->party, (unsigned long long)c->rounds, (unsigned long long)c->opened,
                  (unsigned long long)c->multiplications, (unsigned long long)c->truncations,
                  (unsigned long long)c->msgs_sent, (unsigned long long)c->bytes_sent, (unsigned long long)c->msgs_recv,
                  (unsigned long long)c->bytes_recv, (unsigned long long)c->triples_used,
                  (unsigned long long)c->randoms_used, (unsigned long long)c->bits_used,
                  (unsigned long long)c->triples_made, (unsigned long long)c->randoms_made,
                  (unsigned long long)c->bits_made, (unsigned long long)c->phase_us[COST_PREPROCESSING],
                  (unsigned long long)c->phase_us[COST_INPUT], (unsigned long long)c->phase_us[COST_ONLINE],
                  (unsigned long long)c->phase_us[COST_OUTPUT], (unsigned long long)c->total_us,
                  c->truncated ? "true" : "false");
        for (size_t k = 0; k < c->nseg; k++) {
            const CostSegment *s = &c->seg[k];
            sb_printf(b, "%s\n    {\"name\": \"", k ? "," : "");
            seg_name(b, s);
            sb_printf(b,
                      "\", \"phase\": \"%s\", \"round\": %llu, \"start_us\": %llu, \"dur_us\": %llu, "
                      "\"messages\": %llu, \"bytes\": %llu}",
                      PHASE_NAME[s->phase], (unsigned long long)s->round, (unsigned long long)s->start_us,
                      (unsigned long long)s->dur_us, (unsigned long long)s->messages, (unsigned long long)s->bytes);
        }
        sb_puts(b, "]}");
    }
    sb_puts(b, "\n]}\n");
}

/* Chrome trace-event format (Perfetto, chrome://tracing): one thread per
 * party, one complete ("X") event per segment. */
static void format_trace(StrBuf *b, const PartyCost *p, uint32_t n)
{
    sb_puts(b, "{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n");
    sb_puts(b, "  {\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": 0, "
               "\"args\": {\"name\": \"MPC session\"}}");
    for (uint32_t i = 0; i < n; i++) {
        const PartyCost *c = &p[i];
        sb_printf(b,
                  ",\n  {\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": %u, "
                  "\"args\": {\"name\": \"party %u\"}}",
                  c->party, c->party);
        for (size_t k = 0; k < c->nseg; k++) {
            const CostSegment *s = &c->seg[k];
            sb_puts(b, ",\n  {\"name\": \"");
            seg_name(b, s);
            sb_printf(b,
                      "\", \"cat\": \"%s\", \"ph\": \"X\", \"pid\": 1, \"tid\": %u, \"ts\": %llu, \"dur\": %llu, "
                      "\"args\": {\"messages\": %llu, \"bytes\": %llu}}",
                      PHASE_NAME[s->phase], c->party, (unsigned long long)s->start_us,
                      (unsigned long long)(s->dur_us ? s->dur_us : 1), (unsigned long long)s->messages,
                      (unsigned long long)s->bytes);
        }
    }
    sb_puts(b, "\n]}\n");
}

/* Per party a lane: each segment a bar placed by its time, as tall as its
 * share of the largest segment's bytes, coloured by phase, with a tooltip. */
static void format_svg(StrBuf *b, const PartyCost *p, uint32_t n)
{
    static const char *const COLOUR[COST_PHASES] = { "#9e9e9e", "#4caf50", "#1e88e5", "#fb8c00" };
    const double left = 90, width = 900, lane = 60, top = 40;
    uint64_t span = 1, maxb = 1;
    for (uint32_t i = 0; i < n; i++) {
        if (p[i].total_us > span) span = p[i].total_us;
        for (size_t k = 0; k < p[i].nseg; k++)
            if (p[i].seg[k].bytes > maxb) maxb = p[i].seg[k].bytes;
    }
    double height = top + lane * n + 40;
    sb_printf(b,
              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
              "font-family=\"sans-serif\" font-size=\"12\">\n",
              left + width + 20, height);
    sb_printf(b,
              "<text x=\"10\" y=\"20\" font-size=\"14\">MPC session: %u parties, %.3f ms; bar height = bytes "
              "sent (max %llu)</text>\n",
              n, span / 1000.0, (unsigned long long)maxb);
    for (uint32_t i = 0; i < n; i++) {
        const PartyCost *c = &p[i];
        double y = top + lane * i;
        sb_printf(b, "<g class=\"party\" data-party=\"%u\" data-rounds=\"%llu\" data-bytes-sent=\"%llu\">\n", c->party,
                  (unsigned long long)c->rounds, (unsigned long long)c->bytes_sent);
        sb_printf(b, "<text x=\"10\" y=\"%.1f\">party %u</text>\n", y + lane / 2, c->party);
        sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ccc\"/>\n", left, y + lane - 8,
                  left + width, y + lane - 8);
        for (size_t k = 0; k < c->nseg; k++) {
            const CostSegment *s = &c->seg[k];
            double x = left + width * (double)s->start_us / (double)span;
            double w = width * (double)s->dur_us / (double)span;
            double h = 4 + (lane - 16) * (double)s->bytes / (double)maxb;
            if (w < 1) w = 1;
            sb_printf(b,
                      "<rect class=\"segment\" data-phase=\"%s\" data-round=\"%llu\" data-bytes=\"%llu\" "
                      "data-messages=\"%llu\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\">"
                      "<title>",
                      PHASE_NAME[s->phase], (unsigned long long)s->round, (unsigned long long)s->bytes,
                      (unsigned long long)s->messages, x, y + lane - 8 - h, w, h, COLOUR[s->phase]);
            seg_name(b, s);
            sb_printf(b, ": %llu messages, %llu bytes, %.3f ms</title></rect>\n", (unsigned long long)s->messages,
                      (unsigned long long)s->bytes, s->dur_us / 1000.0);
        }
        sb_puts(b, "</g>\n");
    }
    for (int ph = 0; ph < COST_PHASES; ph++)
        sb_printf(b,
                  "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                  "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n",
                  left + 160.0 * ph, height - 24, COLOUR[ph], left + 160.0 * ph + 16, height - 14, PHASE_NAME[ph]);
    sb_puts(b, "</svg>\n");
}

char *cost_report_format(const PartyCost *parties, uint32_t n, CostFormat format)
{
    StrBuf b;
    sb_init(&b);
    switch (format) {
    case COST_TEXT: format_text(&b, parties, n); break;
    case COST_JSON: format_json(&b, parties, n); break;
    case COST_TRACE: format_trace(&b, parties, n); break;
    case COST_SVG: format_svg(&b, parties, n); break;
    }
    return sb_take(&b);
}

char *stoffel_cost_report_format(const StoffelCostReport *r, StoffelReportFormat format)
{
    if (!r || (unsigned)format > STOFFEL_REPORT_SVG) return NULL;
    return cost_report_format(r->parties, r->n, (CostFormat)format);
}

void stoffel_cost_report_free(StoffelCostReport *r)
{
    if (!r) return;
    for (uint32_t i = 0; i < r->n; i++) party_cost_free(&r->parties[i]);
    free(r->parties);
    free(r);
}

StoffelResult stoffel_cost_report_save(const StoffelCostReport *r, StoffelReportFormat format, const char *path,
                                       char **error)
{
    if (error) *error = NULL;
    if (!r || !path) return STOFFEL_ERROR_INVALID;
    char *text = stoffel_cost_report_format(r, format);
    if (!text) return STOFFEL_ERROR_INVALID;
    bool to_stderr = strcmp(path, "-") == 0;
    FILE *f = to_stderr ? stderr : fopen(path, "w");
    bool ok = f && fputs(text, f) != EOF;
    int saved = errno;
    if (f && !to_stderr && fclose(f) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    free(text);
    if (ok) return STOFFEL_OK;
    if (error) {
        StrBuf b;
        sb_init(&b);
        sb_printf(&b, "cannot write '%s': %s", path, strerror(saved));
        *error = sb_take(&b);
    }
    return STOFFEL_ERROR_IO;
}

StoffelCostReport *cost_report_of_parties(PartyCost **costs, uint32_t n, bool ran)
{
    StoffelCostReport *r = ran && *costs ? malloc(sizeof *r) : NULL;
    if (r) {
        r->n = n;
        r->parties = *costs;
    } else if (*costs) {
        for (uint32_t i = 0; i < n; i++) party_cost_free(&(*costs)[i]);
        free(*costs);
    }
    *costs = NULL;
    return r;
}
