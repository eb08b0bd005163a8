# negative infinity (CLI result formatter, spec §12).
# expect: Program returned: -inf
.function main
    LDI r0, -inf
    RET r0
.end
