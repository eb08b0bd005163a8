# String compares only with String (spec §1.6).
# expect-error: Execution error in 'main': Cannot compare "x" and false
# expect-error: at main, instruction 2
.function main
    LDI r1, "x"
    LDI r2, false
    CMP r1, r2
    RET r1
.end
