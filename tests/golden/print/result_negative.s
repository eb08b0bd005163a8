# negative I64 (CLI result formatter, spec §12).
# expect: Program returned: -7
.function main
    LDI r0, -7
    RET r0
.end
