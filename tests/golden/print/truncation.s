# print shows at most 16 elements, then an extra element "...(N more)"
# (spec §7.3); exactly 16 shows all.
# expect: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
# expect: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, ...(1 more)]
# expect: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, ...(84 more)]
# expect: [97u8, 98u8, 99u8]
# expect: Program returned: ()
.function pr params=n
    LDI r1, 0
    PUSHARG r1
    PUSHARG r0
    CALL range
    PUSHARG r0
    CALL print
    RET r0
.end

.function main
    LDI r1, 16
    PUSHARG r1
    CALL pr
    LDI r1, 17
    PUSHARG r1
    CALL pr
    LDI r1, 100
    PUSHARG r1
    CALL pr
    LDI r1, "abc"
    PUSHARG r1
    CALL Bytes.from_string
    PUSHARG r0
    CALL print
    RET r0
.end
