# A million temporary strings (concatenation and to_string results) are
# collected; the last one is checked.
# max-rss-mb: 64
# timeout: 300
# expect: Program returned: "item-999999"
.function main
    LDI r1, 0
    LDI r2, 1000000
    LDI r3, 1
    LDI r6, "item-"
loop:
    PUSHARG r1
    CALL to_string
    ADD r5, r6, r0
    ADD r1, r1, r3
    CMP r1, r2
    JMPLT loop
    RET r5
.end
