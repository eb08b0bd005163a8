# A function without .end is an assembly error (reported at or after the
# .function line).
# exit: 2
# expect-error: missing_end.s:
# expect-error: error:
.function main
    LDI r0, 1
    RET r0
