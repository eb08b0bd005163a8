/* builtins.c: upstream's stdlib declarations (names and result types). */
#include "builtins.h"

#include <string.h>

static const Builtin table[] = {
    /* core */
    { "print", "print", "void" }, { "type", "type", "string" }, { "to_string", "to_string", "string" },
    { "assert", "assert", "void" }, { "range", "range", "list[int64]" },
    { "create_closure", "create_closure", "Closure" },
    { "create_closure_with_upvalue", "create_closure", "Closure" },
    { "call_closure", "call_closure", "T" }, { "call_closure_with_arg", "call_closure", "T" },
    { "get_upvalue", "get_upvalue", "T" }, { "set_upvalue", "set_upvalue", "void" },
    { "append", "append", "void" }, { "extend", "extend", "void" }, { "copy", "copy", "T" },
    { "count", "count", "int64" }, { "index", "index", "int64" }, { "pop", "pop", "E" },
    { "remove", "remove", "void" }, { "insert", "insert", "void" }, { "clear", "clear", "void" },
    { "reverse", "reverse", "void" }, { "sort", "sort", "void" }, { "delete", "delete", "void" },
    { "len", "len", "int64" }, { "slice", "slice", "T" }, { "contains", "contains", "bool" },
    { "create_array", "create_array", "T" }, { "array_push", "array_push", "void" },
    { "array_length", "array_length", "int64" }, { "get_field", "get_field", "T" },
    { "set_field", "set_field", "void" }, { "create_object", "create_object", "T" },
    { "array_concat", "array_concat", "T" }, { "array_repeat", "array_repeat", "T" },
    { "array_equals", "array_equals", "bool" },
    { "LocalStorage.store", "LocalStorage.store", "bool" }, { "LocalStorage.load", "LocalStorage.load", "T" },
    { "LocalStorage.load_share", "LocalStorage.load", "Share" },
    { "LocalStorage.retrieve", "LocalStorage.retrieve", "T" },
    { "LocalStorage.delete", "LocalStorage.delete", "bool" }, { "LocalStorage.exists", "LocalStorage.exists", "bool" },
    /* crypto */
    { "Bytes.concat", "Bytes.concat", "bytes" }, { "Bytes.from_string", "Bytes.from_string", "bytes" },
    { "Crypto.sha256", "Crypto.sha256", "bytes" }, { "Crypto.sha512", "Crypto.sha512", "bytes" },
    { "Crypto.hash_to_field", "Crypto.hash_to_field", "bytes" }, { "Crypto.field_inv", "Crypto.field_inv", "bytes" },
    { "Crypto.point_x_to_field", "Crypto.point_x_to_field", "bytes" },
    { "Crypto.field_to_scalar_bytes", "Crypto.field_to_scalar_bytes", "bytes" },
    { "Crypto.point_to_sec1", "Crypto.point_to_sec1", "bytes" }, { "Crypto.hash_to_g1", "Crypto.hash_to_g1", "bytes" },
    /* mpc */
    { "reveal", "Share.open", "T" },
    { "ClientStore.take_share", "ClientStore.take_share", "Share" },
    { "ClientStore.take_share_bool", "ClientStore.take_share_bool", "Share" },
    { "ClientStore.take_share_fixed", "ClientStore.take_share_fixed", "Share" },
    { "ClientStore.get_number_clients", "ClientStore.get_number_clients", "int64" },
    { "ClientStore.get_number_input_clients", "ClientStore.get_number_input_clients", "int64" },
    { "ClientStore.get_number_output_clients", "ClientStore.get_number_output_clients", "int64" },
    { "MpcOutput.send_to_client", "MpcOutput.send_to_client", "bool" },
    { "Share.from_clear", "Share.from_clear", "Share" }, { "Share.from_clear_int", "Share.from_clear_int", "Share" },
    { "Share.from_clear_uint", "Share.from_clear_uint", "Share" },
    { "Share.from_clear_fixed", "Share.from_clear_fixed", "Share" },
    { "Share.add", "Share.add", "Share" }, { "Share.sub", "Share.sub", "Share" }, { "Share.neg", "Share.neg", "Share" },
    { "Share.add_scalar", "Share.add_scalar", "Share" }, { "Share.mul_scalar", "Share.mul_scalar", "Share" },
    { "Share.mul", "Share.mul", "Share" }, { "Share.batch_mul", "Share.batch_mul", "list[Share]" },
    { "Share.open", "Share.open", "T" }, { "Share.reveal", "Share.open", "T" },
    { "Share.open_fixed", "Share.open_fixed", "fix64" },
    { "Share.send_to_client", "Share.send_to_client", "bool" },
    { "Share.interpolate_local", "Share.interpolate_local", "int64" },
    { "Share.get_type", "Share.get_type", "string" }, { "Share.get_party_id", "Share.get_party_id", "int64" },
    { "Share.batch_open", "Share.batch_open", "list[T]" }, { "Share.batch_open_fixed", "Share.batch_open", "list[T]" },
    { "Share.open_exp", "Share.open_exp", "bytes" }, { "Share.random", "Share.random", "Share" },
    { "Share.random_field", "Share.random_field", "Share" }, { "Share.random_int", "Share.random_int", "Share" },
    { "Share.get_commitment", "Share.get_commitment", "bytes" },
    { "Share.commitment_count", "Share.commitment_count", "int64" },
    { "Share.has_commitments", "Share.has_commitments", "bool" },
    { "Share.mul_field", "Share.mul_field", "Share" }, { "Share.add_field", "Share.add_field", "Share" },
    { "Share.retag", "Share.retag", "Share" }, { "Share.open_field", "Share.open_field", "bytes" },
    { "Share.open_exp_custom", "Share.open_exp_custom", "bytes" },
    { "Field.from_int", "Field.from_int", "bytes" }, { "Field.zero", "Field.zero", "bytes" },
    { "Field.one", "Field.one", "bytes" }, { "Field.is_zero", "Field.is_zero", "bool" },
    { "Field.eq", "Field.eq", "bool" }, { "Field.add", "Field.add", "bytes" }, { "Field.sub", "Field.sub", "bytes" },
    { "Field.mul", "Field.mul", "bytes" }, { "Field.neg", "Field.neg", "bytes" },
    { "Field.inverse", "Field.inverse", "bytes" }, { "Field.sqrt", "Field.sqrt", "bytes" },
    { "Mpc.party_id", "Mpc.party_id", "int64" }, { "Mpc.n_parties", "Mpc.n_parties", "int64" },
    { "Mpc.threshold", "Mpc.threshold", "int64" }, { "Mpc.is_ready", "Mpc.is_ready", "bool" },
    { "Mpc.instance_id", "Mpc.instance_id", "uint64" }, { "Mpc.protocol_name", "Mpc.protocol_name", "string" },
    { "Mpc.curve", "Mpc.curve", "string" }, { "Mpc.field", "Mpc.field", "string" },
    { "Mpc.has_capability", "Mpc.has_capability", "bool" }, { "Mpc.capabilities", "Mpc.capabilities", "list[string]" },
    { "Mpc.rand", "Mpc.rand", "bytes" }, { "Mpc.rand_int", "Mpc.rand_int", "uint64" },
    { "Rbc.broadcast", "Rbc.broadcast", "int64" }, { "Rbc.receive", "Rbc.receive", "string" },
    { "Rbc.receive_any", "Rbc.receive_any", "RbcResult" },
    { "Avss.get_commitment", "Avss.get_commitment", "bytes" }, { "Avss.get_key_name", "Avss.get_key_name", "string" },
    { "Avss.commitment_count", "Avss.commitment_count", "int64" }, { "Avss.is_avss_share", "Avss.is_avss_share", "bool" },
};

#define NTABLE (sizeof table / sizeof *table)

const Builtin *builtin_find(const char *name)
{
    for (size_t i = 0; i < NTABLE; i++)
        if (strcmp(table[i].name, name) == 0) return &table[i];
    return NULL;
}

const char *const *builtin_names(size_t *n)
{
    static const char *names[NTABLE];
    for (size_t i = 0; i < NTABLE; i++) names[i] = table[i].name;
    *n = NTABLE;
    return names;
}
