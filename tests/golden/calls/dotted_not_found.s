# A dotted name with no method entry is looked up as a plain name
# (spec §4.12); unknown -> the quoted not-found error.
# expect-error: Execution error in 'main': Function 'foo.bar' not found
# expect-error: at main, instruction 2
.function main
    LDI r1, 1
    PUSHARG r1
    CALL foo.bar
    RET r0
.end
