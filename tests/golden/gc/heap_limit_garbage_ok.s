# Garbage does not count against the heap limit: a million short-lived
# arrays and strings run under --max-heap-mb 2 because the collector
# reclaims them.
# args: main --max-heap-mb 2
# max-rss-mb: 64
# timeout: 300
# expect: Program returned: 1000000
.function main
    LDI r1, 0
    LDI r2, 1000000
    LDI r3, 1
    LDI r4, 0
loop:
    CALL create_array
    MOV r5, r0
    PUSHARG r1
    CALL to_string
    MOV r6, r0
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    ADD r4, r4, r0
    ADD r1, r1, r3
    CMP r1, r2
    JMPLT loop
    RET r4
.end
