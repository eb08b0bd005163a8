# Spec §15: I64 + String is a type error.
# expect-error: Execution error in 'main': Type error in ADD operation
# expect-error: at main, instruction 2
.function main
    LDI r0, 10
    LDI r1, "not a number"
    ADD r2, r0, r1
    RET r2
.end
