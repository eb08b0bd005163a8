# Closure * I64 is a type error (spec §1.4 rule 5).
# expect-error: Execution error in 'main': Type error in MUL operation
# expect-error: at main, instruction 5
.function main
    LDI r1, "f"
    PUSHARG r1
    CALL create_closure
    MOV r2, r0
    LDI r3, 2
    MUL r4, r2, r3
    RET r4
.end
