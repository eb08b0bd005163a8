# I16 % U16: no implicit promotion (spec §1.4).
# expect-error: Execution error in 'main': Type error in MOD operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 8i16
    LDI r2, 3u16
    MOD r3, r1, r2
    RET r3
.end
