# An odd number of digits is an error that says so.
# expect-error: Bytes.from_hex: odd number of hex digits (3)
.function main
    LDI r1, "abc"
    PUSHARG r1
    CALL Bytes.from_hex
    RET r0
.end
