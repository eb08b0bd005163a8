# 1e20 in positional notation (CLI result formatter, spec §12).
# expect: Program returned: 100000000000000000000
.function main
    LDI r0, 1e20
    RET r0
.end
