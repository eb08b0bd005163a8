# I32 without suffix (CLI result formatter, spec §12).
# expect: Program returned: -2
.function main
    LDI r0, -2i32
    RET r0
.end
