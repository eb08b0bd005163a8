# Crypto.hash_to_g1 is upstream's try-and-increment hash (not RFC 9380),
# compressed BLS12-381 G1.  Expected bytes: the same algorithm over
# @noble/curves (tests/oracle/vectors.mjs).
# expect: Program returned: byte[48] 0x99cdcacfbe5d96cad4b2e03963b4f892d23f64337c0baba78bef5ae21439a61eb418b51972cf789f8f78da2c061da58b
.function main
    LDI r1, "test message for bls"
    PUSHARG r1
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.hash_to_g1
    RET r0
.end
