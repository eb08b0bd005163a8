# Instruction indices count NOPs; labels are not instructions.
# expect-error: Execution error in 'main': Modulo by zero
# expect-error: at main, instruction 4
.function main
    NOP
    LDI r1, 0
start:
    NOP
other:
    LDI r2, 5
    MOD r3, r2, r1
    RET r3
.end
