# A closure over a builtin cannot be executed (spec §5.3).
# expect-error: Execution error in 'main': Foreign function call_closure failed: Cannot execute foreign function as closure: print
# expect-error: at main, instruction 5
.function main
    LDI r1, "print"
    PUSHARG r1
    CALL create_closure
    MOV r2, r0
    PUSHARG r2
    CALL call_closure
    RET r0
.end
