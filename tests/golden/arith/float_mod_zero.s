# Float % 0.0 (spec §1.4).
# expect-error: Execution error in 'main': Modulo by zero
# expect-error: at main, instruction 2
.function main
    LDI r1, 7.5
    LDI r2, 0.0
    MOD r3, r1, r2
    RET r3
.end
