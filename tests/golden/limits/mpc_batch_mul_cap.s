# Issue 16's case: a 2-million-share Share.batch_mul under --max-heap-mb 20
# in a 4-party session (it took 9 GB) stops cleanly at the cap.
# args: main --local-mpc --n-parties 4 --threshold 1 --max-heap-mb 20
# max-rss-mb: 300
# expect-error: Heap limit exceeded (20971520 bytes)
.function main
    LDI r1, 3
    PUSHARG r1
    CALL Share.from_clear
    MOV r4, r0
    CALL create_array
    MOV r10, r0
    LDI r1, 0
    LDI r2, 2000000
    LDI r3, 1
loop:
    PUSHARG r10
    PUSHARG r4
    CALL array_push
    ADD r1, r1, r3
    CMP r1, r2
    JMPLT loop
    PUSHARG r10
    PUSHARG r10
    CALL Share.batch_mul
    PUSHARG r0
    CALL array_length
    RET r0
.end
