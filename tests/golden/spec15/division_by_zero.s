# Spec §15: LDI r0,10; LDI r1,0; DIV r2,r0,r1.
# expect-error: Execution error in 'main': Division by zero
# expect-error: at main, instruction 2
.function main
    LDI r0, 10
    LDI r1, 0
    DIV r2, r0, r1
    RET r2
.end
