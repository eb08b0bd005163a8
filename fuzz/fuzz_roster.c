/* fuzz_roster.c: libFuzzer target for the roster text (roster.h), which a
 * node reads from a file or receives from the discovery leader.  A parse
 * succeeds with a consistent roster (every party and client once, key ids
 * found again by lookup) or fails with a message; never a crash or an
 * out-of-bounds access.  Built and run by `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/roster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Roster r;
    char err[512];
    err[0] = 0;
    if (roster_parse((const char *)data, size, &r, err, sizeof err) != 0) {
        if (!err[0] || !memchr(err, 0, sizeof err)) abort(); /* a refusal always says why */
        return 0;
    }
    uint32_t nodes = r.n_parties + r.n_clients;
    for (uint32_t i = 0; i < nodes; i++) {
        char name[32];
        roster_node_name(&r, i, name, sizeof name);
        int64_t id = roster_find_key(&r, r.nodes[i].key_id);
        if (id < 0 || (uint32_t)id >= nodes || memcmp(r.nodes[id].key_id, r.nodes[i].key_id, NET_KEY_ID_LEN) != 0)
            abort();
        if (r.nodes[i].is_party != (i < r.n_parties) || r.nodes[i].index != (i < r.n_parties ? i : i - r.n_parties))
            abort();
    }
    roster_free(&r);
    return 0;
}
