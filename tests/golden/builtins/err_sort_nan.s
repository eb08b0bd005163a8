# sort refuses NaN (spec §7.1).
# expect-error: Execution error in 'main': Foreign function sort failed: list sort does not support NaN values
.function main
    CALL create_array
    MOV r3, r0
    LDI r4, 1.0
    LDI r5, nan
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    CALL array_push
    PUSHARG r3
    CALL sort
    RET r0
.end
