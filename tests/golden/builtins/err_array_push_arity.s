# array_push needs an array and at least one value (spec §6.4) (spec §7.1).
# expect-error: Execution error in 'main': Foreign function array_push failed: array_push expects at least 2 arguments: array and value
.function main
    CALL create_array
    MOV r1, r0
    PUSHARG r1
    CALL array_push
    RET r0
.end
