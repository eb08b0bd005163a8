# Instructions must be inside .function ... .end.
# exit: 2
# expect-error: instruction_outside_function.s:4:5: error:
    LDI r0, 1
.function main
    RET r0
.end
