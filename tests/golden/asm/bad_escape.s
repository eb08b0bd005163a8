# An unknown escape sequence in a string constant.
# exit: 2
# expect-error: bad_escape.s:6:
# expect-error: error:
.function main
    LDI r1, "a\qb"
    RET r1
.end
