# -G on P-256 (flag 0x80: y > -y); G has odd y, so -G gives 02 || x.
# expect: Program returned: byte[33] 0x026b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296
.function main
    CALL create_array
    MOV r5, r0
    LDI r6, 150u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 194u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 152u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 216u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 69u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 57u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 161u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 244u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 160u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 51u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 235u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 45u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 129u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 125u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 3u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 119u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 242u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 64u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 164u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 99u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 229u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 230u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 188u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 248u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 71u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 66u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 44u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 225u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 242u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 209u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 23u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 107u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 128u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r3, "p-256"
    PUSHARG r5
    PUSHARG r3
    CALL Crypto.point_to_sec1
    RET r0
.end
