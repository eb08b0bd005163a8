# pop from an empty array (spec §7.1).
# expect-error: Execution error in 'main': Foreign function pop failed: pop from empty list
.function main
    CALL create_array
    MOV r3, r0
    PUSHARG r3
    CALL pop
    RET r0
.end
