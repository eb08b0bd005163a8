# Pushes before a PUSHARG...CALL run belong to that CALL too, so such a run
# is fused into one instruction only where no other argument can be
# pending.  Each call below must see every pending argument: get_field
# gets (1, array, 0) and reads nothing; count3 gets three, one of them
# pushed on one path only; two gets three on that path and fails.
# expect: ()
# expect: 3
# expect-error: Execution error in 'main': Function two expects 2 arguments but got 3
# expect-error: at main, instruction 27
.function count3 params=a,b,c
    LDI r3, 3
    RET r3
.end

.function two params=a,b
    RET r0
.end

.function main
    CALL create_array
    MOV r1, r0
    LDI r2, 0
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    LDI r4, 1
    PUSHARG r4
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    PUSHARG r0
    CALL print
    LDI r5, 1
    CMP r4, r5
    JMPNEQ skip
    PUSHARG r4
skip:
    PUSHARG r1
    PUSHARG r2
    CALL count3
    PUSHARG r0
    CALL print
    CMP r4, r5
    JMPNEQ skip2
    PUSHARG r4
skip2:
    PUSHARG r1
    PUSHARG r2
    CALL two
    RET r0
.end
