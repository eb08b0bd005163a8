# AND of different integer types (spec §1.5).
# expect-error: Execution error in 'main': Type error in AND operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 1
    LDI r2, 1i32
    AND r3, r1, r2
    RET r3
.end
