# A register operand that is not rN.
# exit: 2
# expect-error: bad_register_syntax.s:6:
# expect-error: error:
.function main
    MOV r1, x2
    RET r0
.end
