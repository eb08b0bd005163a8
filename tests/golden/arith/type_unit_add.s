# Unit + Unit is a type error (spec §1.4).
# expect-error: Execution error in 'main': Type error in ADD operation
# expect-error: at main, instruction 2
.function main
    LDI r1, ()
    LDI r2, ()
    ADD r3, r1, r2
    RET r3
.end
