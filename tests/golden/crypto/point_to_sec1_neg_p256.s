# -G on P-256 (flag 0x80: y > -y); G has odd y, so -G gives 02 || x.
# expect: Program returned: byte[33] 0x026b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296
.function main
    LDI r6, "96c298d84539a1f4a033eb2d817d0377f240a463e5e6bcf847422ce1f2d1176b80"
    PUSHARG r6
    CALL Bytes.from_hex
    MOV r5, r0
    LDI r3, "p-256"
    PUSHARG r5
    PUSHARG r3
    CALL Crypto.point_to_sec1
    RET r0
.end
