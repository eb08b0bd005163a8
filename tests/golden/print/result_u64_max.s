# U64 max without suffix (CLI result formatter, spec §12).
# expect: Program returned: 18446744073709551615
.function main
    LDI r0, 18446744073709551615u64
    RET r0
.end
