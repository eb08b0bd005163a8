# CMP on String x String is lexicographic by UTF-8 bytes; Bool x Bool has
# false < true (spec §1.6).
# expect: abc lt abd
# expect: ab lt abc
# expect: b gt abc
# expect:  eq 
# expect: Z lt a
# expect: é gt z
# expect: same eq same
# expect: false lt true
# expect: true eq true
# expect: true gt false
# expect: Program returned: ()
.function cmp3 params=a,b
    CMP r0, r1
    JMPLT lt
    JMPGT gt
    LDI r0, "eq"
    RET r0
lt:
    LDI r0, "lt"
    RET r0
gt:
    LDI r0, "gt"
    RET r0
.end

.function show params=a,b
    MOV r2, r0
    PUSHARG r0
    PUSHARG r1
    CALL cmp3
    MOV r3, r0
    PUSHARG r2
    PUSHARG r3
    PUSHARG r1
    CALL print
    RET r0
.end

.function main
    LDI r1, "abc"
    LDI r2, "abd"
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, "ab"
    LDI r2, "abc"
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, "b"
    LDI r2, "abc"
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, ""
    LDI r2, ""
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, "Z"
    LDI r2, "a"
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, "é"
    LDI r2, "z"
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, "same"
    LDI r2, "same"
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, false
    LDI r2, true
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, true
    LDI r2, true
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, true
    LDI r2, false
    PUSHARG r1
    PUSHARG r2
    CALL show
    RET r0
.end
