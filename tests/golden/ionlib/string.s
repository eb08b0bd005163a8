# IonVM's string functions (StrLength StrUpper StrLower StrTrim StrConcat StrSplit)
# and join, substring, find, as String.*: lengths and indices count characters.
# expect: 5
# expect: 0
# expect: ABC-XY é
# expect: abc-xy
# expect: pad
# expect: foobar!
# expect: [a, b, , c]
# expect: [a, b, c]
# expect: [a, b, ]
# expect: él
# expect: llo
# expect: lo
# expect: 
# expect: 2
# expect: -1
# expect: 0
# expect: x, 2, true
# expect: Program returned: 0
.function main
    LDI r1, "héllo"
    PUSHARG r1
    CALL String.length
    PUSHARG r0
    CALL print
    LDI r1, ""
    PUSHARG r1
    CALL String.length
    PUSHARG r0
    CALL print
    LDI r1, "abc-Xy é"
    PUSHARG r1
    CALL String.upper
    PUSHARG r0
    CALL print
    LDI r1, "ABC-xY"
    PUSHARG r1
    CALL String.lower
    PUSHARG r0
    CALL print
    LDI r1, "  pad \t"
    PUSHARG r1
    CALL String.trim
    PUSHARG r0
    CALL print
    LDI r1, "foo"
    LDI r2, "bar"
    LDI r3, "!"
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL String.concat
    PUSHARG r0
    CALL print
    LDI r1, "a,b,,c"
    LDI r2, ","
    PUSHARG r1
    PUSHARG r2
    CALL String.split
    PUSHARG r0
    CALL print
    LDI r1, "abc"
    LDI r2, ""
    PUSHARG r1
    PUSHARG r2
    CALL String.split
    PUSHARG r0
    CALL print
    LDI r1, "a--b--"
    LDI r2, "--"
    PUSHARG r1
    PUSHARG r2
    CALL String.split
    PUSHARG r0
    CALL print
    LDI r1, "héllo"
    LDI r2, 1
    LDI r3, 3
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL String.substring
    PUSHARG r0
    CALL print
    LDI r1, "hello"
    LDI r2, -3
    PUSHARG r1
    PUSHARG r2
    CALL String.substring
    PUSHARG r0
    CALL print
    LDI r1, "hello"
    LDI r2, 3
    LDI r3, 99
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL String.substring
    PUSHARG r0
    CALL print
    LDI r1, "hello"
    LDI r2, 4
    LDI r3, 2
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL String.substring
    PUSHARG r0
    CALL print
    LDI r1, "héllo"
    LDI r2, "llo"
    PUSHARG r1
    PUSHARG r2
    CALL String.find
    PUSHARG r0
    CALL print
    LDI r1, "hello"
    LDI r2, "z"
    PUSHARG r1
    PUSHARG r2
    CALL String.find
    PUSHARG r0
    CALL print
    LDI r1, "hello"
    LDI r2, ""
    PUSHARG r1
    PUSHARG r2
    CALL String.find
    PUSHARG r0
    CALL print
    CALL create_array
    MOV r5, r0
    LDI r1, "x"
    PUSHARG r5
    PUSHARG r1
    CALL array_push
    LDI r1, 2
    PUSHARG r5
    PUSHARG r1
    CALL array_push
    LDI r1, true
    PUSHARG r5
    PUSHARG r1
    CALL array_push
    LDI r1, ", "
    PUSHARG r5
    PUSHARG r1
    CALL String.join
    PUSHARG r0
    CALL print
    LDI r0, 0
    RET r0
.end
