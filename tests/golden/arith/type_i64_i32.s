# I64 + I32: no implicit width promotion (spec §1.4).
# expect-error: Execution error in 'main': Type error in ADD operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 1
    LDI r2, 1i32
    ADD r3, r1, r2
    RET r3
.end
