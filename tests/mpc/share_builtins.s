# The Share.* and Mpc.* builtins of the HoneyBadger backend with an engine
# attached.  Clients give 15 and 25; every result is opened, so all parties
# return the same array.  Used by tests/run.py (mpc/share_builtins).
.function main regs=20
    LDI r1, 0
    LDI r2, 1
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0                     # x = 15 (raw share)
    PUSHARG r2
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r17, r0                     # y = 25
    CALL create_array
    MOV r3, r0                      # results
    # from_clear + add: 15 + 7
    LDI r4, 7
    PUSHARG r4
    CALL Share.from_clear
    MOV r5, r0
    PUSHARG r16
    PUSHARG r5
    CALL Share.add
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    # mul_scalar: 15 * 3
    LDI r4, 3
    PUSHARG r16
    PUSHARG r4
    CALL Share.mul_scalar
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    # batch_mul + batch_open: [15 * 25, 25 * 25]
    CALL create_array
    MOV r6, r0
    CALL create_array
    MOV r7, r0
    PUSHARG r6
    PUSHARG r16
    CALL array_push
    PUSHARG r6
    PUSHARG r17
    CALL array_push
    PUSHARG r7
    PUSHARG r17
    CALL array_push
    PUSHARG r7
    PUSHARG r17
    CALL array_push
    PUSHARG r6
    PUSHARG r7
    CALL Share.batch_mul
    PUSHARG r0
    CALL Share.batch_open
    MOV r8, r0
    PUSHARG r3
    PUSHARG r8
    CALL extend
    # mul_field by 2, add_field 5 (field elements as byte arrays)
    CALL create_array
    MOV r9, r0
    LDI r4, 2u8
    PUSHARG r9
    PUSHARG r4
    CALL array_push
    PUSHARG r16
    PUSHARG r9
    CALL Share.mul_field
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    CALL create_array
    MOV r9, r0
    LDI r4, 5u8
    PUSHARG r9
    PUSHARG r4
    CALL array_push
    PUSHARG r16
    PUSHARG r9
    CALL Share.add_field
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    # metadata
    PUSHARG r16
    CALL Share.get_type
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    CALL Mpc.n_parties
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    CALL Mpc.threshold
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    # retag to a boolean and open: 25 - 24 = 1 -> true
    LDI r4, 24
    SUB r18, r17, r4
    LDI r4, 1
    PUSHARG r18
    PUSHARG r4
    CALL Share.retag
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    RET r3
.end
