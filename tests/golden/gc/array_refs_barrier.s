# An array of plain numbers is not scanned by the collector until a heap
# value is stored into it.  Each way of storing one (fused and builtin
# set_field, array_push, holes filled from the sparse part, absorption of
# the sparse part, insert, and the list builtins' materialisation) must
# make the array scanned: here the arrays hold the only references to
# fresh strings across several collections (under ASan a missed store is
# a use-after-free; otherwise the strings come back wrong).
# timeout: 120
# expect: s1 s2 s3 s4 s5 s6 s7 s8
# expect: Program returned: ()

# A new heap string "s<n>" (not a constant).
.function fresh params=n
    PUSHARG r0
    CALL to_string
    LDI r1, "s"
    ADD r0, r1, r0
    RET r0
.end

# An array [0, 1, ..., n-1] of integers only.
.function ints params=n
    MOV r4, r0
    CALL create_array
    MOV r1, r0
    LDI r2, 0
    LDI r3, 1
fill:
    CMP r2, r4
    JMPEQ filled
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    ADD r2, r2, r3
    JMP fill
filled:
    RET r1
.end

# set_field(a, i, v) for i = from .. to-1 with integer values.
.function set_range params=a,from,to,v
    MOV r6, r0
    MOV r4, r1
    LDI r5, 1
loop:
    CMP r4, r2
    JMPEQ out
    PUSHARG r6
    PUSHARG r4
    PUSHARG r3
    CALL set_field
    ADD r4, r4, r5
    JMP loop
out:
    RET r0
.end

# Garbage until several collections have run.
.function churn
    LDI r1, 0
    LDI r2, 300000
    LDI r3, 1
loop:
    PUSHARG r1
    CALL to_string
    ADD r1, r1, r3
    CMP r1, r2
    JMPLT loop
    RET r1
.end

.function main
    LDI r10, 4
    LDI r11, 0
    LDI r12, 1
    # 1: fused set_field in range
    PUSHARG r10
    CALL ints
    MOV r1, r0
    LDI r9, 1
    PUSHARG r9
    CALL fresh
    MOV r8, r0
    PUSHARG r1
    PUSHARG r12
    PUSHARG r8
    CALL set_field
    # 2: builtin set_field in range (not fused: NOP between the pushes)
    PUSHARG r10
    CALL ints
    MOV r2, r0
    LDI r9, 2
    PUSHARG r9
    CALL fresh
    MOV r8, r0
    PUSHARG r2
    PUSHARG r12
    NOP
    PUSHARG r8
    CALL set_field
    # 3: array_push, fused
    PUSHARG r10
    CALL ints
    MOV r3, r0
    LDI r9, 3
    PUSHARG r9
    CALL fresh
    MOV r8, r0
    PUSHARG r3
    PUSHARG r8
    CALL array_push
    # 4: a hole filled from the sparse part: a[4500] = s4 while the
    # dense part has 4 items (sparse), a[4..499] set in order, then
    # a[4590] = 0 is near enough to be dense: it fills 500..4589
    PUSHARG r10
    CALL ints
    MOV r4, r0
    LDI r9, 4
    PUSHARG r9
    CALL fresh
    MOV r8, r0
    LDI r13, 4500
    PUSHARG r4
    PUSHARG r13
    PUSHARG r8
    CALL set_field
    LDI r13, 500
    PUSHARG r4
    PUSHARG r10
    PUSHARG r13
    PUSHARG r11
    CALL set_range
    LDI r13, 4590
    PUSHARG r4
    PUSHARG r13
    PUSHARG r11
    CALL set_field
    # 5: absorption: b[5000] = s5 (sparse), then b[4..4999] set in order
    PUSHARG r10
    CALL ints
    MOV r5, r0
    LDI r9, 5
    PUSHARG r9
    CALL fresh
    MOV r8, r0
    LDI r13, 5000
    PUSHARG r5
    PUSHARG r13
    PUSHARG r8
    CALL set_field
    PUSHARG r5
    PUSHARG r10
    PUSHARG r13
    PUSHARG r11
    CALL set_range
    # 6: insert
    PUSHARG r10
    CALL ints
    MOV r6, r0
    LDI r9, 6
    PUSHARG r9
    CALL fresh
    MOV r8, r0
    PUSHARG r6
    PUSHARG r11
    PUSHARG r8
    CALL insert
    # 7: materialised by reverse: c[5000] = s7 (sparse), reverse(c)
    PUSHARG r10
    CALL ints
    MOV r7, r0
    LDI r9, 7
    PUSHARG r9
    CALL fresh
    MOV r8, r0
    LDI r13, 5000
    PUSHARG r7
    PUSHARG r13
    PUSHARG r8
    CALL set_field
    PUSHARG r7
    CALL reverse
    # 8: array_push through the builtin (not fused)
    PUSHARG r10
    CALL ints
    MOV r14, r0
    LDI r9, 8
    PUSHARG r9
    CALL fresh
    MOV r8, r0
    PUSHARG r14
    NOP
    PUSHARG r8
    CALL array_push
    LDI r8, 0
    CALL churn
    CALL churn
    # read them back
    PUSHARG r1
    PUSHARG r12
    CALL get_field
    MOV r1, r0
    PUSHARG r2
    PUSHARG r12
    CALL get_field
    MOV r2, r0
    PUSHARG r3
    PUSHARG r10
    CALL get_field
    MOV r3, r0
    LDI r13, 4500
    PUSHARG r4
    PUSHARG r13
    CALL get_field
    MOV r4, r0
    LDI r13, 5000
    PUSHARG r5
    PUSHARG r13
    CALL get_field
    MOV r5, r0
    PUSHARG r6
    PUSHARG r11
    CALL get_field
    MOV r6, r0
    PUSHARG r7
    PUSHARG r11
    CALL get_field
    MOV r7, r0
    PUSHARG r14
    PUSHARG r10
    CALL get_field
    MOV r14, r0
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    PUSHARG r6
    PUSHARG r7
    PUSHARG r14
    CALL print
    LDI r0, ()
    RET r0
.end
