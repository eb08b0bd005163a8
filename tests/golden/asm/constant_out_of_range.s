# A typed constant that does not fit its type.
# exit: 2
# expect-error: constant_out_of_range.s:6:
# expect-error: error:
.function main
    LDI r1, 300u8
    RET r1
.end
