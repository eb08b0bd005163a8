# NaN (CLI result formatter, spec §12).
# expect: Program returned: NaN
.function main
    LDI r0, nan
    RET r0
.end
