# print of a 32-byte hash uses print's array form (16 elements, then
# "...(16 more)"), not the byte[] form of the result line (spec §7.3).
# expect: [186u8, 120u8, 22u8, 191u8, 143u8, 1u8, 207u8, 234u8, 65u8, 65u8, 64u8, 222u8, 93u8, 174u8, 34u8, 35u8, ...(16 more)]
# expect: uint8
# expect: Program returned: 32
.function main
    LDI r1, "abc"
    PUSHARG r1
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.sha256
    MOV r2, r0
    PUSHARG r2
    CALL print
    LDI r3, 0
    PUSHARG r2
    PUSHARG r3
    CALL get_field
    PUSHARG r0
    CALL type
    PUSHARG r0
    CALL print
    PUSHARG r2
    CALL array_length
    RET r0
.end
