# The data must be a byte array.
# expect-error: Expected byte array
.function main
    LDI r1, 7
    PUSHARG r1
    CALL Crypto.hash_to_g1
    RET r0
.end
