# Pure MPC-library builtins work without an engine (spec §7.4):
# Bytes.from_string makes a U8 array, Crypto.sha256 hashes it; the result
# prints as a byte array (spec §12).
# expect: [97u8, 98u8, 99u8] 3
# expect: Program returned: byte[32] 0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
.function main
    LDI r1, "abc"
    PUSHARG r1
    CALL Bytes.from_string
    MOV r2, r0
    PUSHARG r2
    CALL len
    PUSHARG r2
    PUSHARG r0
    CALL print
    PUSHARG r2
    CALL Crypto.sha256
    RET r0
.end
