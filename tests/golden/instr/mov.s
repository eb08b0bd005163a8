# MOV between clear registers copies; MOV r,r is a no-op; containers are
# copied by reference (aliasing, spec §2.4).
# expect: 5 5 5
# expect: [1]
# expect: Program returned: 5
.function main
    LDI r1, 5
    MOV r2, r1
    MOV r15, r2
    MOV r15, r15
    PUSHARG r1
    PUSHARG r2
    PUSHARG r15
    CALL print
    CALL create_array
    MOV r3, r0
    MOV r4, r3
    LDI r5, 1
    PUSHARG r4
    PUSHARG r5
    CALL array_push
    PUSHARG r3
    CALL print
    RET r15
.end
