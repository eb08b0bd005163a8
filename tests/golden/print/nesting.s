# print expands containers down to depth 0, with the top-level container at
# depth 3: a 3-level array prints fully, in a 4-level one the innermost array
# prints [...N elements], an object there {...N fields} (spec §7.3).
# expect: [[[1, 2]]]
# expect: [[[[...2 elements]]]]
# expect: [[[{...2 fields}]]]
# expect: Program returned: ()
.function wrap params=v
    MOV r1, r0
    CALL create_array
    MOV r2, r0
    PUSHARG r2
    PUSHARG r1
    CALL array_push
    RET r2
.end

.function main
    CALL create_array
    MOV r10, r0
    LDI r1, 1
    LDI r2, 2
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL array_push         ; [1, 2]
    PUSHARG r10
    CALL wrap
    PUSHARG r0
    CALL wrap               ; [[[1, 2]]]
    MOV r11, r0
    PUSHARG r11
    CALL print
    PUSHARG r11
    CALL wrap               ; [[[[1, 2]]]]
    PUSHARG r0
    CALL print
    CALL create_object
    MOV r13, r0
    LDI r3, "a"
    LDI r4, "b"
    PUSHARG r13
    PUSHARG r3
    PUSHARG r1
    CALL set_field
    PUSHARG r13
    PUSHARG r4
    PUSHARG r2
    CALL set_field          ; {a: 1, b: 2}
    PUSHARG r13
    CALL wrap
    PUSHARG r0
    CALL wrap
    PUSHARG r0
    CALL wrap               ; [[[{a: 1, b: 2}]]]
    PUSHARG r0
    CALL print
    RET r0
.end
