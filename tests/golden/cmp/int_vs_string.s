# numbers and strings are not comparable (spec §1.6).
# expect-error: Execution error in 'main': Cannot compare 1 and "a"
# expect-error: at main, instruction 2
.function main
    LDI r1, 1
    LDI r2, "a"
    CMP r1, r2
    RET r1
.end
