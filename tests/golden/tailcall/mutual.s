# Tail calls between two functions (even/odd) and to a function with
# another frame size; a call not followed by RET r0 is an ordinary call.
# expect: true false
# expect: Program returned: 100001
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

.function is_odd params=n regs=9
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

.function plus_one params=n
    LDI r1, 1
    ADD r0, r0, r1
    RET r0
.end

.function main
    LDI r1, 200000
    PUSHARG r1
    CALL is_even
    MOV r2, r0
    LDI r1, 100001
    PUSHARG r1
    CALL is_even
    PUSHARG r2
    PUSHARG r0
    CALL print
    LDI r1, 100000
    PUSHARG r1
    CALL plus_one
    RET r0
.end
