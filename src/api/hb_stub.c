/* hb_stub.c: the HoneyBadger MPC engine functions of stoffel_vm.h, before
 * the MPC engine is wired in.  No engine can be created (hb_engine_new
 * returns NULL), so every other function sees either NULL
 * (HBEngineNullPointer, as upstream) or a pointer that is not an engine of
 * ours, which it never dereferences.  The MPC work replaces this file. */
#include <stdlib.h>

#include "stoffel_vm.h"

HBEngineOpaque *hb_engine_new(uint64_t instance_id, size_t party_id, size_t n, size_t t, size_t n_triples,
                              size_t n_random, HBNetworkOpaque *network_ptr)
{
    (void)instance_id; (void)party_id; (void)n; (void)t; (void)n_triples; (void)n_random; (void)network_ptr;
    return NULL;
}

void hb_engine_free(HBEngineOpaque *engine_ptr) { (void)engine_ptr; }

HBEngineErrorCode hb_engine_start_async(HBEngineOpaque *engine_ptr)
{
    return engine_ptr ? HBEngineRuntimeError : HBEngineNullPointer;
}

int hb_engine_is_ready(HBEngineOpaque *engine_ptr)
{
    (void)engine_ptr;
    return 0;
}

/* Clear the output pair so callers never free garbage. */
static void no_bytes(uint8_t **ptr, size_t *len)
{
    if (ptr) *ptr = NULL;
    if (len) *len = 0;
}

HBEngineErrorCode hb_engine_multiply_share_async(HBEngineOpaque *engine_ptr, CShareType share_type,
                                                 const uint8_t *left_ptr, size_t left_len,
                                                 const uint8_t *right_ptr, size_t right_len,
                                                 uint8_t **result_ptr, size_t *result_len_ptr)
{
    (void)share_type; (void)left_len; (void)right_len;
    no_bytes(result_ptr, result_len_ptr);
    if (!engine_ptr || !left_ptr || !right_ptr || !result_ptr || !result_len_ptr) return HBEngineNullPointer;
    return HBEngineNotReady;
}

HBEngineErrorCode hb_engine_open_share(HBEngineOpaque *engine_ptr, CShareType share_type,
                                       const uint8_t *share_ptr, size_t share_len, StoffelValue *result_ptr)
{
    (void)share_type; (void)share_len;
    if (!engine_ptr || !share_ptr || !result_ptr) return HBEngineNullPointer;
    return HBEngineNotReady;
}

HBEngineErrorCode hb_engine_init_client_input(HBEngineOpaque *engine_ptr, uint64_t client_id,
                                              const uint8_t *shares_data, size_t shares_len)
{
    (void)client_id; (void)shares_len;
    if (!engine_ptr || !shares_data) return HBEngineNullPointer;
    return HBEngineNotReady;
}

HBEngineErrorCode hb_engine_get_client_shares(HBEngineOpaque *engine_ptr, uint64_t client_id,
                                              uint8_t **result_ptr, size_t *result_len_ptr)
{
    (void)client_id;
    no_bytes(result_ptr, result_len_ptr);
    if (!engine_ptr || !result_ptr || !result_len_ptr) return HBEngineNullPointer;
    return HBEngineNotReady;
}

size_t hb_engine_party_id(HBEngineOpaque *engine_ptr)
{
    (void)engine_ptr;
    return 0;
}

uint64_t hb_engine_instance_id(HBEngineOpaque *engine_ptr)
{
    (void)engine_ptr;
    return 0;
}

const char *hb_engine_protocol_name(HBEngineOpaque *engine_ptr)
{
    return engine_ptr ? "honeybadger-mpc" : NULL;
}

HBNetworkOpaque *hb_engine_get_network(HBEngineOpaque *engine_ptr)
{
    (void)engine_ptr;
    return NULL;
}

void hb_network_free(HBNetworkOpaque *network_ptr) { (void)network_ptr; }

void hb_free_bytes(uint8_t *ptr, size_t len)
{
    (void)len;
    free(ptr);
}

HBEngineErrorCode hb_engine_hydrate_to_vm(HBEngineOpaque *engine_ptr, VMHandle vm_handle)
{
    if (!engine_ptr || !vm_handle) return HBEngineNullPointer;
    return HBEngineNotReady;
}
