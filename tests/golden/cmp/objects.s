# Objects are not comparable; the error shows their debug text (ids start
# at 1, spec §1.6, §2.4).
# expect-error: Execution error in 'main': Cannot compare Object(1) and Object(2)
# expect-error: at main, instruction 4
.function main
    CALL create_object
    MOV r1, r0
    CALL create_object
    MOV r2, r0
    CMP r1, r2
    RET r1
.end
