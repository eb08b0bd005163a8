/* fuzz_client.c: libFuzzer target for what parties send to a client: the
 * shares of its input masks (MK_MASK) and of its outputs (MK_OUTPUT),
 * early, late, duplicated, malformed or inconsistent, through the client's
 * hold of early messages and its robust decoding.  Client 0 of n=4, t=1;
 * the input is what the parties send (fuzz_transport.h).  The client must
 * return a result or an error, never crash, leak or read out of bounds,
 * and never hold more than its bounds.  Built and run by `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_transport.h"
#include "mpc/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzNet f;
    fz_init(&f, data, size, 4, 4, 1, 7);
    MpcClient *c = mpc_client_new(&f.tr, NULL, 4, 1, 7, 1);
    if (!c) abort();
    const Field *fl = field_default();
    Fe in[2];
    fe_from_u64(fl, &in[0], 15);
    fe_from_u64(fl, &in[1], 25);
    if (mpc_client_inputs(c, in, 2) == 0) {
        for (int k = 0; k < 4 && f.pos < f.size; k++) {
            Fe *v = NULL;
            size_t n = 0;
            if (mpc_client_outputs(c, &v, &n) == 0) free(v);
        }
    }
    mpc_client_free(c);
    return 0;
}
