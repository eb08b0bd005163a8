# a number and Unit (spec §1.6).
# expect-error: Execution error in 'main': Cannot compare 5i32 and ()
# expect-error: at main, instruction 2
.function main
    LDI r1, 5i32
    LDI r2, ()
    CMP r1, r2
    RET r1
.end
