# slice(value, start, stop [, step]) with Python semantics; () or I64::MAX
# mean an omitted bound; strings are sliced by characters (spec §7.1).
# expect: [2, 3, 4]
# expect: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
# expect: [7, 8, 9]
# expect: [1, 2, 3, 4, 5, 6, 7, 8, 9]
# expect: [0, 3, 6, 9]
# expect: []
# expect: [0, 1]
# expect: él
# expect: olléh
# expect: Program returned: "olléh"
.function sl params=v,a,b,c
    PUSHARG r0
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL slice
    MOV r5, r0
    PUSHARG r5
    CALL print
    RET r5
.end

.function main
    LDI r1, 0
    LDI r2, 10
    PUSHARG r1
    PUSHARG r2
    CALL range
    MOV r10, r0
    LDI r9, 1
    LDI r1, 2
    LDI r2, 5
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r9
    CALL sl
    LDI r1, ()
    LDI r3, -1
    PUSHARG r10
    PUSHARG r1
    PUSHARG r1
    PUSHARG r3
    CALL sl
    LDI r1, -3
    LDI r2, ()
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r9
    CALL sl
    LDI r1, 1
    LDI r2, 9223372036854775807
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r9
    CALL sl
    LDI r1, 0
    LDI r2, 10
    LDI r3, 3
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL sl
    LDI r1, 8
    LDI r2, 2
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r9
    CALL sl
    LDI r1, -100
    LDI r2, 2
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r9
    CALL sl
    LDI r11, "héllo"
    LDI r1, 1
    LDI r2, 3
    PUSHARG r11
    PUSHARG r1
    PUSHARG r2
    CALL slice              ; three-argument form
    PUSHARG r0
    CALL print
    LDI r1, ()
    LDI r3, -1
    PUSHARG r11
    PUSHARG r1
    PUSHARG r1
    PUSHARG r3
    CALL sl
    RET r0
.end
