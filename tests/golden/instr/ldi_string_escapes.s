# String constant escapes: \n \t \\ \" \xNN \u{HEX}; ';' and '#' inside a
# string are not comments.  print writes strings raw.
# expect: line1
# expect: line2
# expect: a	b
# expect: back\slash "quoted"
# expect: A é € 😀
# expect: a;b#c
# expect: Program returned: "a;b#c"
.function main
    LDI r1, "line1\nline2"
    PUSHARG r1
    CALL print
    LDI r1, "a\tb"
    PUSHARG r1
    CALL print
    LDI r1, "back\\slash \"quoted\""
    PUSHARG r1
    CALL print
    LDI r1, "\x41 \u{e9} \u{20AC} \u{1F600}"
    PUSHARG r1
    CALL print
    LDI r1, "a;b#c"     ; a trailing comment
    PUSHARG r1
    CALL print
    RET r1
.end
