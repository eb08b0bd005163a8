# Mutual recursion with late binding: is_even/is_odd defined after main.
# expect: true false
# expect: Program returned: true
.function main
    LDI r1, 10
    PUSHARG r1
    CALL is_even
    MOV r5, r0
    LDI r1, 7
    PUSHARG r1
    CALL is_even
    PUSHARG r5
    PUSHARG r0
    CALL print
    RET r5
.end

.function is_even params=n
    LDI r1, 0
    CMP r0, r1
    JMPEQ yes
    LDI r1, 1
    SUB r0, r0, r1
    PUSHARG r0
    CALL is_odd
    RET r0
yes:
    LDI r0, true
    RET r0
.end

.function is_odd params=n
    LDI r1, 0
    CMP r0, r1
    JMPEQ no
    LDI r1, 1
    SUB r0, r0, r1
    PUSHARG r0
    CALL is_even
    RET r0
no:
    LDI r0, false
    RET r0
.end
