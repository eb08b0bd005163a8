# Bool % Bool is a type error (spec §1.4).
# expect-error: Execution error in 'main': Type error in MOD operation
# expect-error: at main, instruction 2
.function main
    LDI r1, true
    LDI r2, true
    MOD r3, r1, r2
    RET r3
.end
