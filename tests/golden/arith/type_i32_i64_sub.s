# I32 - I64: no implicit width promotion (spec §1.4).
# expect-error: Execution error in 'main': Type error in SUB operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 1i32
    LDI r2, 1
    SUB r3, r1, r2
    RET r3
.end
