# assert(true) and assert(true, msg) return () (spec §7.1).
# expect: () ()
# expect: Program returned: ()
.function main
    LDI r1, true
    PUSHARG r1
    CALL assert
    MOV r2, r0
    LDI r3, "never shown"
    PUSHARG r1
    PUSHARG r3
    CALL assert
    PUSHARG r2
    PUSHARG r0
    CALL print
    RET r0
.end
