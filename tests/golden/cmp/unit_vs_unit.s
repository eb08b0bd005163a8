# Unit is not comparable, not even with itself (spec §1.6).
# expect-error: Execution error in 'main': Cannot compare () and ()
# expect-error: at main, instruction 2
.function main
    LDI r1, ()
    LDI r2, ()
    CMP r1, r2
    RET r1
.end
