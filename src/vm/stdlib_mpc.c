/* stdlib_mpc.c: the MPC builtins of the standard library: the real ones
 * that need no engine, and the names (spec/vm-core.md §7.4, new list) of
 * those that do, for a VM without an MPC engine, plus
 * MpcOutput.send_to_client.
 *
 * Registering every name keeps the function namespace as upstream's (a
 * program may not define `Share.add`).  The pure builtins work here:
 * Bytes.concat, Bytes.from_string, Bytes.from_hex, Crypto.sha256, Crypto.sha512, Mpc.rand,
 * Mpc.rand_int, Mpc.is_ready, and the Crypto.* curve builtins
 * (stdlib_crypto.c).  Every other one reports
 * "MPC engine not configured".  The Share methods (spec §4.12) are
 * registered here too, since they belong to these names.  The MPC engine replaces this file's
 * registrations with real implementations. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "stdlib_internal.h"
#include "vm/avss_builtins.h"

static int bi_no_engine(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    return vm_error(vm, "MPC engine not configured");
}

/* The client id is validated first, as upstream does before sending. */
static int bi_send_to_client(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 2) return sl_expects(vm, "MpcOutput.send_to_client", "2 arguments: client_id, share_value");
    uint64_t client = 0;
    if (sl_usize(vm, args[0], "client_id", &client) != ST_OK) return ST_ERR;
    return vm_error(vm, "MPC engine not configured");
}

static int bi_bytes_concat(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc < 2) return sl_expects(vm, "Bytes.concat", "2 arguments: a, b");
    uint8_t *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    if (sl_read_bytes(vm, args[0], &a, &na) != ST_OK) return ST_ERR;
    if (sl_read_bytes(vm, args[1], &b, &nb) != ST_OK) {
        free(a);
        return ST_ERR;
    }
    int rc;
    uint8_t *ab = malloc(na + nb + 1);
    if (!ab) {
        rc = vm_oom(vm);
    } else {
        memcpy(ab, a, na);
        memcpy(ab + na, b, nb);
        rc = sl_byte_array(vm, ab, na + nb, result);
    }
    free(ab);
    free(a);
    free(b);
    return rc;
}

static int bi_bytes_from_string(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 1) return sl_expects(vm, "Bytes.from_string", "1 argument: string");
    if (args[0].type != VT_STRING) return vm_error(vm, "Argument must be a string");
    const StString *s = args[0].as.str;
    return sl_byte_array(vm, (const uint8_t *)s->chars, s->len, result);
}

/* Hex text to bytes (sodium_hex2bin), so programs and tests can write byte
 * constants such as curve points in one line. */
static int bi_bytes_from_hex(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 1) return sl_expects(vm, "Bytes.from_hex", "1 argument: hex string");
    if (args[0].type != VT_STRING) return vm_error(vm, "Argument must be a string");
    const StString *s = args[0].as.str;
    if (s->len % 2) return vm_error(vm, "Bytes.from_hex: odd number of hex digits (%u)", (unsigned)s->len);
    uint8_t *bin = malloc(s->len / 2 + 1);
    if (!bin) return vm_oom(vm);
    size_t n = 0;
    const char *end = NULL;
    int rc;
    if (sodium_hex2bin(bin, s->len / 2 + 1, s->chars, s->len, NULL, &n, &end) != 0 || end != s->chars + s->len)
        rc = vm_error(vm, "Bytes.from_hex: not a hex digit at offset %u", (unsigned)(end ? end - s->chars : 0));
    else
        rc = sl_byte_array(vm, bin, n, result);
    free(bin);
    return rc;
}

static int hash_builtin(VM *vm, const char *name, const Value *args, uint32_t argc, Value *result, bool wide)
{
    if (argc != 1) return sl_expects(vm, name, "1 argument: data (byte array)");
    uint8_t *data = NULL;
    size_t n = 0;
    if (sl_read_bytes(vm, args[0], &data, &n) != ST_OK) return ST_ERR;
    uint8_t digest[crypto_hash_sha512_BYTES];
    size_t dlen;
    if (wide) {
        crypto_hash_sha512(digest, data, n);
        dlen = crypto_hash_sha512_BYTES;
    } else {
        crypto_hash_sha256(digest, data, n);
        dlen = crypto_hash_sha256_BYTES;
    }
    free(data);
    return sl_byte_array(vm, digest, dlen, result);
}

static int bi_sha256(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    return hash_builtin(vm, "Crypto.sha256", args, argc, result, false);
}

static int bi_sha512(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    return hash_builtin(vm, "Crypto.sha512", args, argc, result, true);
}

static int bi_rand(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    uint8_t bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    return sl_byte_array(vm, bytes, sizeof bytes, result);
}

static int bi_rand_int(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 1) return sl_expects(vm, "Mpc.rand_int", "1 argument: bit_length (8, 16, 32, or 64)");
    uint64_t bits = 0, r = 0;
    if (sl_usize(vm, args[0], "bit_length", &bits) != ST_OK) return ST_ERR;
    if (bits == 0) return vm_error(vm, "bit_length must be a positive integer");
    randombytes_buf(&r, sizeof r);
    switch (bits) {
    case 8: *result = val_uint(VT_U8, r & 0xffu); break;
    case 16: *result = val_uint(VT_U16, r & 0xffffu); break;
    case 32: *result = val_uint(VT_U32, r & 0xffffffffu); break;
    case 64: *result = val_uint(VT_U64, r); break;
    default: return vm_error(vm, "Unsupported bit_length %llu. Must be 8, 16, 32, or 64", (unsigned long long)bits);
    }
    return ST_OK;
}

static int bi_is_ready(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    *result = val_bool(false); /* no engine, so never ready */
    return ST_OK;
}

/* Names that need an engine (upstream's MPC and AVSS builtin lists). */
static const char *const engine_names[] = {
    "Share.from_clear",
    "Share.from_clear_int",
    "Share.from_clear_uint",
    "Share.from_clear_fixed",
    "Share.add",
    "Share.sub",
    "Share.neg",
    "Share.add_scalar",
    "Share.mul_scalar",
    "Share.mul",
    "Share.batch_mul",
    "Share.open",
    "Share.batch_open",
    "Share.send_to_client",
    "Share.interpolate_local",
    "Share.get_type",
    "Share.get_party_id",
    "Share.open_exp",
    "Share.random",
    "Share.random_field",
    "Share.random_int",
    "Share.get_commitment",
    "Share.commitment_count",
    "Share.has_commitments",
    "Share.mul_field",
    "Share.add_field",
    "Share.retag",
    "Share.open_field",
    "Share.open_exp_custom",
    "Share.open_fixed",
    "Share.lt",
    "Share.le",
    "Share.gt",
    "Share.ge",
    "Share.eq",
    "Share.ne",
    "Share.ltz",
    "Share.is_zero",
    "Share.select",
    "Share.max",
    "Share.min",
    "Share.argmax",
    "Share.argmin",
    "Share.bit_decompose",
    "Share.trunc",
    "Share.div",
    "Share.mod",
    "Share.recip",
    "Share.sqrt",
    "Share.exp",
    "Field.from_int",
    "Field.zero",
    "Field.one",
    "Field.is_zero",
    "Field.eq",
    "Field.add",
    "Field.sub",
    "Field.mul",
    "Field.neg",
    "Field.inverse",
    "Field.sqrt",
    "Mpc.party_id",
    "Mpc.n_parties",
    "Mpc.threshold",
    "Mpc.instance_id",
    "Mpc.protocol_name",
    "Mpc.curve",
    "Mpc.field",
    "Mpc.has_capability",
    "Mpc.capabilities",
    "Rbc.broadcast",
    "Rbc.receive",
    "Rbc.receive_any",
    "Avss.get_commitment",
    "Avss.get_key_name",
    "Avss.commitment_count",
    "Avss.is_avss_share",
};

/* Share methods: a bare `CALL open` whose first argument is a share (or a
 * share object) runs Share.open; `CALL Share.add` checks its receiver. */
static const char *const share_methods[] = {
    "add",
    "sub",
    "neg",
    "add_scalar",
    "mul_scalar",
    "mul_field",
    "add_field",
    "retag",
    "get_type",
    "get_party_id",
    "get_commitment",
    "commitment_count",
    "has_commitments",
    "mul",
    "open",
    "open_fixed",
    "send_to_client",
    "open_exp",
    "open_field",
    "open_exp_custom",
};

int stdlib_register_mpc(VM *vm)
{
    static const struct {
        const char *name;
        NativeFn fn;
    } pure[] = {
        { "MpcOutput.send_to_client", bi_send_to_client },
        { "Bytes.concat", bi_bytes_concat },
        { "Bytes.from_string", bi_bytes_from_string },
        { "Bytes.from_hex", bi_bytes_from_hex },
        { "Crypto.sha256", bi_sha256 },
        { "Crypto.sha512", bi_sha512 },
        { "Mpc.rand", bi_rand },
        { "Mpc.rand_int", bi_rand_int },
        { "Mpc.is_ready", bi_is_ready },
    };
    for (size_t i = 0; i < sizeof pure / sizeof pure[0]; i++)
        if (vm_register_native(vm, pure[i].name, pure[i].fn, NULL) != ST_OK) return ST_ERR;
    if (stdlib_register_crypto(vm) != ST_OK) return ST_ERR; /* Crypto.* curve builtins */
    for (size_t i = 0; i < sizeof engine_names / sizeof engine_names[0]; i++)
        if (vm_register_native(vm, engine_names[i], bi_no_engine, NULL) != ST_OK) return ST_ERR;
    for (size_t i = 0; i < sizeof share_methods / sizeof share_methods[0]; i++)
        if (vm_register_method(vm, "Share", share_methods[i]) != ST_OK) return ST_ERR;
    if (avss_builtins_register_inspectors(vm) != ST_OK) return ST_ERR; /* Avss.*: no engine needed */
    return mpc_field_builtins_register(vm);
}
