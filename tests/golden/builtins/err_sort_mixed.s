# sort of an int and a string (spec §7.1; which operand is named first
# depends on the comparison order, so only the prefix is checked).
# expect-error: Execution error in 'main': Foreign function sort failed: list sort does not support comparing
# expect-error: int64
# expect-error: string
.function main
    CALL create_array
    MOV r3, r0
    LDI r4, 1
    LDI r5, "a"
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    CALL array_push
    PUSHARG r3
    CALL sort
    RET r0
.end
