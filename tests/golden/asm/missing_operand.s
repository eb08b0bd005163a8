# Too few operands for ADD.
# exit: 2
# expect-error: missing_operand.s:6:
# expect-error: error:
.function main
    ADD r1, r2
    RET r1
.end
