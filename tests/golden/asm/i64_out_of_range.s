# An I64 constant beyond 2^63-1.
# exit: 2
# expect-error: i64_out_of_range.s:6:
# expect-error: error:
.function main
    LDI r1, 9223372036854775808
    RET r1
.end
