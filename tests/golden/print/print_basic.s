# print joins its arguments with one space and ends the line; strings are
# raw, everything else debug text; no arguments print an empty line
# (spec §7.3).
# expect: a 1 1.5f64 1f64 true ()
# expect: 
# expect: 5u8 -2i32
# expect: "quoted" stays raw
# expect: Program returned: ()
.function main
    LDI r1, "a"
    LDI r2, 1
    LDI r3, 1.5
    LDI r4, 1.0
    LDI r5, true
    LDI r6, ()
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    PUSHARG r6
    CALL print
    CALL print
    LDI r1, 5u8
    LDI r2, -2i32
    PUSHARG r1
    PUSHARG r2
    CALL print
    LDI r1, "\"quoted\" stays raw"
    PUSHARG r1
    CALL print
    RET r0
.end
