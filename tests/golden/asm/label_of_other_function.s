# Labels are per function: a label of another function is unknown here.
# exit: 2
# expect-error: label_of_other_function.s:11:11: error:
# expect-error: elsewhere
.function other
elsewhere:
    RET r0
.end

.function main
    JMPEQ elsewhere
    RET r0
.end
