# Too many operands for NOT.
# exit: 2
# expect-error: extra_operand.s:6:
# expect-error: error:
.function main
    NOT r1, r2, r3
    RET r1
.end
