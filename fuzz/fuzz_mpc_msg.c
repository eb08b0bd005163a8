/* fuzz_mpc_msg.c: libFuzzer target for what parties and clients send to a
 * party's MPC engine: message headers, routing by kind and sequence number,
 * the stash of early messages, robust decoding of openings, preprocessing
 * (deals, checks, degree-2t openings) and the client input protocol
 * (masked inputs, echo round), over the ed25519 scalar field.  Party 0 of n=4, t=1 with one client; the
 * input's first byte picks the operations, the rest is what the peers send
 * (fuzz_transport.h).  Every call must return (success or an error), never
 * crash, leak or read out of bounds.  Built and run by `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_transport.h"
#include "mpc/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t ops = data[0];
    FuzzNet f;
    fz_init(&f, data + 1, size - 1, 0, 4, 1, 7);
    uint32_t inputs[1] = { 2 };
    MpcConfig cfg = { .n = 4,
                      .t = 1,
                      .party = 0,
                      .n_clients = 1,
                      .client_inputs = inputs,
                      .instance_id = 7,
                      .timeout_ms = 1,
                      .triple_batch = 2,
                      /* its square-root tables are small: engine set-up is cheap */
                      .field = field_by_name("ed25519") };
    MpcEngine *e = mpc_engine_new(&cfg, &f.tr, NULL);
    if (!e) abort();
    const Field *fl = mpc_field(e);
    Fe x[3], out[3];
    for (int i = 0; i < 3; i++) fe_from_u64(fl, &x[i], (uint64_t)i + 5);
    /* two operations, three bits each; the input protocol (which makes a
     * batch of random shares first, the costly part) is one choice of 8 */
    for (int k = 0; k < 2 && f.pos < f.size; k++) {
        switch ((ops >> (3 * k)) & 7) {
        case 0:
        case 1:
        case 2:
        case 3: (void)mpc_round(e, x, 3, out, NULL, NULL, 0, NULL); break;
        case 4:
            (void)mpc_send_to_client(e, 0, x, 2);
            (void)mpc_round(e, x, 1, out, NULL, NULL, 0, NULL);
            break;
        case 5:
        case 6: (void)mpc_round(e, x, 1, out, x + 1, x + 2, 1, out + 1); break;
        default:
            if (mpc_preprocess(e, 0, 2, 0) == 0) (void)mpc_collect_inputs(e);
            break;
        }
    }
    mpc_engine_free(e);
    return 0;
}
