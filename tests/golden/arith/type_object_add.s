# Object + Object is a type error (spec §1.4 rule 5).
# expect-error: Execution error in 'main': Type error in ADD operation
# expect-error: at main, instruction 2
.function main
    CALL create_object
    MOV r1, r0
    ADD r2, r1, r1
    RET r2
.end
