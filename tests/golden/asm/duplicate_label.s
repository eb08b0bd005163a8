# The same label twice in one function.
# exit: 2
# expect-error: duplicate_label.s:9:
# expect-error: error:
# expect-error: again
.function main
again:
    NOP
again:
    RET r0
.end
