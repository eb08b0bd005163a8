# A register index that cannot exist (register counts are 16-bit in the file format).
# exit: 2
# expect-error: register_out_of_range.s:6:
# expect-error: error:
.function main
    LDI r70000, 1
    RET r0
.end
