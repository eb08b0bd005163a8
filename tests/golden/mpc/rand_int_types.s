# Mpc.rand_int(bits) returns U8/U16/U32/U64; Mpc.rand() is 32 random bytes
# (spec §7.4).  Values are random, so only types and lengths are checked.
# expect: uint8 uint16 uint32 uint64
# expect: Program returned: 32
.function rt params=bits
    PUSHARG r0
    CALL Mpc.rand_int
    PUSHARG r0
    CALL type
    RET r0
.end

.function main
    LDI r1, 8
    PUSHARG r1
    CALL rt
    MOV r2, r0
    LDI r1, 16
    PUSHARG r1
    CALL rt
    MOV r3, r0
    LDI r1, 32
    PUSHARG r1
    CALL rt
    MOV r4, r0
    LDI r1, 64
    PUSHARG r1
    CALL rt
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    PUSHARG r0
    CALL print
    CALL Mpc.rand
    PUSHARG r0
    CALL len
    RET r0
.end
