# sha256 of an empty byte array.
# expect: 0
# expect: Program returned: byte[32] 0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
.function main
    LDI r1, ""
    PUSHARG r1
    CALL Bytes.from_string
    MOV r2, r0
    PUSHARG r2
    CALL len
    PUSHARG r0
    CALL print
    PUSHARG r2
    CALL Crypto.sha256
    RET r0
.end
