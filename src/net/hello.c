/* hello.c: parsing the session hello (hello.h). */
#include "net/hello.h"

#include <string.h>

#define MAGIC NET_HELLO_VERSION "\n"
#define FAMILY "STOFFEL-NET/"

/* The value of the first line "key VALUE" in text[0..len), into out; false
 * if there is none or it does not fit (out is then empty). */
static bool field(const char *text, size_t len, const char *key, char *out, size_t outlen)
{
    size_t kl = strlen(key);
    out[0] = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if ((size_t)(le - p) > kl && memcmp(p, key, kl) == 0 && p[kl] == ' ') {
            size_t l = (size_t)(le - (p + kl + 1));
            if (l >= outlen) return false;
            memcpy(out, p + kl + 1, l);
            out[l] = 0;
            return true;
        }
        p = le + 1;
    }
    return false;
}

int net_hello_parse(const uint8_t *frame, size_t len, NetHello *h)
{
    memset(h, 0, sizeof *h);
    h->node_id = -1;
    size_t ml = sizeof MAGIC - 1;
    if (!frame || len > NET_HELLO_MAX || memchr(frame, 0, len)) return -1;
    if (len < ml || memcmp(frame, MAGIC, ml) != 0) {
        /* another version of ours: say which, so the error can name it */
        size_t fl = sizeof FAMILY - 1, vl = 0;
        if (len <= fl || memcmp(frame, FAMILY, fl) != 0) return -1;
        while (vl < len && vl < sizeof h->version - 1 && frame[vl] >= 0x21 && frame[vl] < 0x7f) vl++;
        memcpy(h->version, frame, vl);
        h->version[vl] = 0;
        return -2;
    }
    const char *text = (const char *)frame + ml;
    len -= ml;
    h->has_node = field(text, len, "node", h->node, sizeof h->node);
    h->has_params = field(text, len, "params", h->params, sizeof h->params);
    h->has_program = field(text, len, "program", h->program, sizeof h->program);
    h->has_inputs = field(text, len, "inputs", h->inputs, sizeof h->inputs);
    char hex[2 * NET_HELLO_NONCE + 2];
    if (field(text, len, "nonce", hex, sizeof hex) && strlen(hex) == 2 * NET_HELLO_NONCE &&
        strspn(hex, "0123456789abcdef") == 2 * NET_HELLO_NONCE) {
        for (size_t i = 0; i < NET_HELLO_NONCE; i++) {
            unsigned hi = (unsigned)(hex[2 * i] <= '9' ? hex[2 * i] - '0' : hex[2 * i] - 'a' + 10);
            unsigned lo = (unsigned)(hex[2 * i + 1] <= '9' ? hex[2 * i + 1] - '0' : hex[2 * i + 1] - 'a' + 10);
            h->nonce[i] = (uint8_t)(hi << 4 | lo);
        }
        h->has_nonce = true;
    }
    if (h->has_node && h->node[0] && strlen(h->node) <= 10 && strspn(h->node, "0123456789") == strlen(h->node)) {
        int64_t v = 0;
        for (const char *c = h->node; *c; c++) v = v * 10 + (*c - '0');
        if (v <= UINT32_MAX) h->node_id = v;
    }
    char rv[24];
    size_t rl;
    if (field(text, len, "recv", rv, sizeof rv) && (rl = strlen(rv)) > 0 && rl <= 18 &&
        strspn(rv, "0123456789") == rl) {
        for (const char *c = rv; *c; c++) h->recv = h->recv * 10 + (uint64_t)(*c - '0');
        h->has_recv = true;
    }
    return 0;
}

int net_hello_input_count(const NetHello *h, uint32_t *count)
{
    size_t l = strlen(h->inputs);
    if (!h->has_inputs || l == 0 || l > 10 || strspn(h->inputs, "0123456789") != l) return -1;
    uint64_t v = 0;
    for (const char *c = h->inputs; *c; c++) v = v * 10 + (uint64_t)(*c - '0');
    if (v > UINT32_MAX) return -1;
    *count = (uint32_t)v;
    return 0;
}
