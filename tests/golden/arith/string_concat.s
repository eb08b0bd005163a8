# ADD String + String concatenates (spec §1.4 rule 3); the operands are
# unchanged; UTF-8 passes through.
# expect: abcd ab cd
# expect: héllo wörld
# expect: 
# expect: Program returned: "abcd"
.function main
    LDI r1, "ab"
    LDI r2, "cd"
    ADD r3, r1, r2
    PUSHARG r3
    PUSHARG r1
    PUSHARG r2
    CALL print
    LDI r4, "héllo "
    LDI r5, "wörld"
    ADD r6, r4, r5
    PUSHARG r6
    CALL print
    LDI r4, ""
    ADD r6, r4, r4
    PUSHARG r6
    CALL print
    RET r3
.end
