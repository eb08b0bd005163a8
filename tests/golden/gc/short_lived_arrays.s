# 10 million short-lived arrays (create, push one element, drop): the
# garbage collector must keep the peak RSS small (design: tracing GC;
# upstream never frees).  The sum of the push results checks every push.
# max-rss-mb: 64
# timeout: 300
# expect: Program returned: 10000000
.function main
    LDI r1, 0               ; i
    LDI r2, 10000000        ; n
    LDI r3, 1
    LDI r4, 0               ; total of array_push results (each 1)
loop:
    CALL create_array
    MOV r5, r0
    PUSHARG r5
    PUSHARG r1
    CALL array_push
    ADD r4, r4, r0
    ADD r1, r1, r3
    CMP r1, r2
    JMPLT loop
    RET r4
.end
