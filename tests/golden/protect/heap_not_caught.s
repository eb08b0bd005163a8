# The heap cap the host set is not catchable by the program.
# args: main --max-heap-mb 2
# expect-error: Heap limit exceeded
.function grow
    CALL create_array
    MOV r1, r0
loop:
    CALL create_object
    PUSHARG r1
    PUSHARG r0
    CALL array_push
    JMP loop
.end

.function main
    LDI r1, "grow"
    PUSHARG r1
    CALL Error.pcall
    LDI r0, "caught"
    RET r0
.end
