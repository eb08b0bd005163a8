# A jump to a label that is not defined in the function (spec §3).
# exit: 2
# expect-error: unknown_label.s:7:9: error:
# expect-error: nowhere
.function main
    LDI r1, 1
    JMP nowhere
    RET r1
.end
