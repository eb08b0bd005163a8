# A closure whose function does not exist fails when called (spec §5.3).
# expect-error: Execution error in 'main': Foreign function call_closure failed: Function nosuch not found
# expect-error: at main, instruction 5
.function main
    LDI r1, "nosuch"
    PUSHARG r1
    CALL create_closure
    MOV r2, r0
    PUSHARG r2
    CALL call_closure
    RET r0
.end
