# Crypto.hash_to_g1("abc") (expected bytes from @noble/curves, as hash_to_g1.s).
# expect: Program returned: byte[48] 0x8979fa38b937aa8dcf7d27dc28bb20adb12e5a36c02377df32e371b2f06aa5d68b677f3a69d0f77f0f891f21a6851911
.function main
    LDI r1, "abc"
    PUSHARG r1
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.hash_to_g1
    RET r0
.end
