# booleans (CLI result formatter, spec §12).
# expect: Program returned: false
.function main
    LDI r0, false
    RET r0
.end
