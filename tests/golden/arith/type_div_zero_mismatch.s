# I64 / I32 0: the type check comes before the zero check (spec §1.4).
# expect-error: Execution error in 'main': Type error in DIV operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 10
    LDI r2, 0i32
    DIV r3, r1, r2
    RET r3
.end
