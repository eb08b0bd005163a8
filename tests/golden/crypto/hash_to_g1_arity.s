# Crypto.hash_to_g1 takes exactly one argument.
# expect-error: Crypto.hash_to_g1 expects 1 argument: data (byte array)
.function main
    CALL Crypto.hash_to_g1
    RET r0
.end
