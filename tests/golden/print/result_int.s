# I64 prints as a plain number (CLI result formatter, spec §12).
# expect: Program returned: 42
.function main
    LDI r0, 42
    RET r0
.end
