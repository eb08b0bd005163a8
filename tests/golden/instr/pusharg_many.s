# The argument stack is unbounded: an array and 100 000 values are pushed
# without a CALL, LD reaches both ends, then one variadic array_push takes
# them all (spec §4.7, §6.4).
# expect: 0 99999 99998 100000
# expect: Program returned: 99999
.function main
    CALL create_array
    MOV r10, r0
    PUSHARG r10
    LDI r1, 0
    LDI r2, 100000
    LDI r3, 1
loop:
    PUSHARG r1
    ADD r1, r1, r3
    CMP r1, r2
    JMPLT loop
    LD r4, -99999
    LD r5, 0
    LD r6, -1
    CALL array_push
    MOV r7, r0
    PUSHARG r4
    PUSHARG r5
    PUSHARG r6
    PUSHARG r7
    CALL print
    LDI r8, -1
    PUSHARG r10
    PUSHARG r8
    CALL get_field
    RET r0
.end
