# A character that is no hex digit is named by its offset.
# expect-error: Bytes.from_hex: not a hex digit at offset 2
.function main
    LDI r1, "abxd"
    PUSHARG r1
    CALL Bytes.from_hex
    RET r0
.end
