# Deep equality on self-referencing arrays terminates: recursion stops at
# the depth limit of 64 and deeper levels compare unequal unless they are
# the same array (spec §1.7).  An array still equals itself.
# expect: false true false
# expect: Program returned: true
.function main
    CALL create_array
    MOV r10, r0
    CALL create_array
    MOV r11, r0
    PUSHARG r10
    PUSHARG r10
    CALL array_push         ; a = [a]
    PUSHARG r11
    PUSHARG r11
    CALL array_push         ; b = [b]
    PUSHARG r10
    PUSHARG r11
    CALL array_equals
    MOV r1, r0
    PUSHARG r10
    PUSHARG r10
    CALL array_equals
    MOV r2, r0
    PUSHARG r10
    PUSHARG r11
    CALL contains           ; is b (deeply) an element of a?
    PUSHARG r1
    PUSHARG r2
    PUSHARG r0
    CALL print
    RET r2
.end
