# AND/OR/XOR on Bool x Bool are logical; NOT on Bool is logical not
# (spec §1.5).
# expect: true false false false
# expect: true true true false
# expect: false true true false
# expect: false true
# expect: Program returned: false
.function main
    LDI r1, true
    LDI r2, false
    AND r3, r1, r1
    PUSHARG r3
    AND r3, r1, r2
    PUSHARG r3
    AND r3, r2, r1
    PUSHARG r3
    AND r3, r2, r2
    PUSHARG r3
    CALL print
    OR r3, r1, r1
    PUSHARG r3
    OR r3, r1, r2
    PUSHARG r3
    OR r3, r2, r1
    PUSHARG r3
    OR r3, r2, r2
    PUSHARG r3
    CALL print
    XOR r3, r1, r1
    PUSHARG r3
    XOR r3, r1, r2
    PUSHARG r3
    XOR r3, r2, r1
    PUSHARG r3
    XOR r3, r2, r2
    PUSHARG r3
    CALL print
    NOT r3, r1
    PUSHARG r3
    NOT r4, r2
    PUSHARG r4
    CALL print
    RET r3
.end
