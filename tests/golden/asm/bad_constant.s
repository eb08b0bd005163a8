# A constant that is no value at all.
# exit: 2
# expect-error: bad_constant.s:6:
# expect-error: error:
.function main
    LDI r1, 12abc
    RET r1
.end
