# U64 / I64: no implicit promotion (spec §1.4).
# expect-error: Execution error in 'main': Type error in DIV operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 8u64
    LDI r2, 2
    DIV r3, r1, r2
    RET r3
.end
