# Arrays are not comparable, not even an array with itself (spec §1.6).
# expect-error: Execution error in 'main': Cannot compare Array(1) and Array(1)
# expect-error: at main, instruction 2
.function main
    CALL create_array
    MOV r1, r0
    CMP r1, r1
    RET r1
.end
