# --max-heap-mb caps the live heap: a program that keeps everything
# reachable (one array growing to 10 million elements) stops with a clear
# error naming the limit (same style as the call-depth and budget errors)
# instead of exhausting memory.
# args: main --max-heap-mb 8
# timeout: 300
# expect-error: Execution error in 'main':
# expect-error: Heap limit exceeded (8388608 bytes)
.function main
    CALL create_array
    MOV r10, r0
    LDI r1, 0
    LDI r2, 10000000
    LDI r3, 1
loop:
    PUSHARG r10
    PUSHARG r1
    CALL array_push
    ADD r1, r1, r3
    CMP r1, r2
    JMPLT loop
    RET r1
.end
