# String - String is not defined (spec §1.4).
# expect-error: Execution error in 'main': Type error in SUB operation
# expect-error: at main, instruction 2
.function main
    LDI r1, "a"
    LDI r2, "b"
    SUB r3, r1, r2
    RET r3
.end
