# Messages are deep copies: the receiver changes its copy of an object,
# the sender's stays as it was; an array nested twice in one message
# arrives as one array reached twice (sharing inside a message is kept).
# expect: mine 1 theirs 99
# expect: same true
# expect: Program returned: 1
.function worker params=parent
    MOV r7, r0
    CALL Process.receive
    MOV r1, r0
    LDI r2, "x"
    LDI r3, 99
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL set_field
    PUSHARG r7
    PUSHARG r1
    CALL Process.send
    CALL Process.receive
    MOV r1, r0
    LDI r2, 0
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    LDI r3, 5
    PUSHARG r0
    PUSHARG r3
    CALL array_push
    LDI r2, 1
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    PUSHARG r0
    CALL len
    LDI r3, 1
    CMP r0, r3
    LDI r4, false
    JMPNEQ out
    LDI r4, true
out:
    PUSHARG r7
    PUSHARG r4
    CALL Process.send
    RET r4
.end

.function main
    CALL create_object
    MOV r1, r0
    LDI r2, "x"
    LDI r3, 1
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL set_field
    CALL Process.self
    MOV r4, r0
    LDI r5, "worker"
    PUSHARG r5
    PUSHARG r4
    CALL Process.spawn
    MOV r6, r0
    PUSHARG r6
    PUSHARG r1
    CALL Process.send
    CALL Process.receive
    MOV r7, r0
    LDI r8, "mine"
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    MOV r9, r0
    PUSHARG r7
    PUSHARG r2
    CALL get_field
    MOV r10, r0
    LDI r11, "theirs"
    PUSHARG r8
    PUSHARG r9
    PUSHARG r11
    PUSHARG r10
    CALL print
    CALL create_array
    MOV r12, r0
    CALL create_array
    MOV r13, r0
    PUSHARG r13
    PUSHARG r12
    CALL array_push
    PUSHARG r13
    PUSHARG r12
    CALL array_push
    PUSHARG r6
    PUSHARG r13
    CALL Process.send
    CALL Process.receive
    MOV r14, r0
    LDI r8, "same"
    PUSHARG r8
    PUSHARG r14
    CALL print
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    RET r0
.end
