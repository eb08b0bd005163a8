# Share.lt/le/gt/ge/eq/ne, ltz, is_zero, select, max, min, argmax, argmin,
# bit_decompose, trunc, div, mod and secret DIV/MOD by a clear integer, with
# an engine attached.  Clients give 15 and 25; every result is opened, so all
# parties return the same array.  Used by tests/run.py (mpc/compare_builtins).
.function main regs=24
    LDI r1, 0
    LDI r2, 1
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0   # x = 15
    PUSHARG r2
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r17, r0   # y = 25
    CALL create_array
    MOV r3, r0
    PUSHARG r16
    PUSHARG r17
    CALL Share.lt
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    PUSHARG r16
    PUSHARG r17
    CALL Share.le
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    PUSHARG r16
    PUSHARG r17
    CALL Share.gt
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    PUSHARG r16
    PUSHARG r17
    CALL Share.ge
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    PUSHARG r16
    PUSHARG r17
    CALL Share.eq
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    PUSHARG r16
    PUSHARG r17
    CALL Share.ne
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 15
    PUSHARG r16
    PUSHARG r4
    CALL Share.eq
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 30
    PUSHARG r17
    PUSHARG r4
    CALL Share.gt
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    SUB r18, r16, r17
    PUSHARG r18
    CALL Share.ltz
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    SUB r19, r16, r16
    PUSHARG r19
    CALL Share.is_zero
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    PUSHARG r16
    PUSHARG r17
    CALL Share.max
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    PUSHARG r16
    PUSHARG r17
    CALL Share.min
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    PUSHARG r16
    PUSHARG r17
    CALL Share.lt
    MOV r20, r0
    PUSHARG r20
    PUSHARG r16
    PUSHARG r17
    CALL Share.select
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    PUSHARG r16
    PUSHARG r17
    CALL Share.gt
    MOV r20, r0
    LDI r4, 99
    PUSHARG r20
    PUSHARG r16
    PUSHARG r4
    CALL Share.select
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    CALL create_array
    MOV r5, r0
    PUSHARG r5
    PUSHARG r16
    CALL array_push
    PUSHARG r5
    PUSHARG r17
    CALL array_push
    PUSHARG r5
    PUSHARG r16
    CALL array_push
    PUSHARG r5
    CALL Share.argmax
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    PUSHARG r5
    CALL Share.argmin
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 20
    PUSHARG r5
    PUSHARG r4
    CALL Share.lt
    PUSHARG r0
    CALL Share.batch_open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 5
    PUSHARG r16
    PUSHARG r4
    CALL Share.bit_decompose
    PUSHARG r0
    CALL Share.batch_open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 2
    PUSHARG r17
    PUSHARG r4
    CALL Share.trunc
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    PUSHARG r18
    PUSHARG r4
    CALL Share.trunc
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 3
    PUSHARG r18
    PUSHARG r4
    CALL Share.div
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    PUSHARG r18
    PUSHARG r4
    CALL Share.mod
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, -3
    PUSHARG r18
    PUSHARG r4
    CALL Share.div
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    PUSHARG r18
    PUSHARG r4
    CALL Share.mod
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 16
    ADD r21, r16, r4  # 31
    LDI r4, 3
    DIV r22, r21, r4
    PUSHARG r22
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    MOD r22, r21, r4
    PUSHARG r22
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 4
    DIV r22, r18, r4
    PUSHARG r22
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    # fixed point: 7.5 / 2.5 within (2.999, 3.001); recip(4.0) within (0.2499, 0.2501)
    LDI r4, 7.5
    PUSHARG r4
    CALL Share.from_clear
    MOV r6, r0
    LDI r4, 2.5
    PUSHARG r4
    CALL Share.from_clear
    PUSHARG r6
    PUSHARG r0
    CALL Share.div
    MOV r6, r0
    LDI r4, 3.001
    PUSHARG r6
    PUSHARG r4
    CALL Share.lt
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 2.999
    PUSHARG r6
    PUSHARG r4
    CALL Share.gt
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 4.0
    PUSHARG r4
    CALL Share.from_clear
    PUSHARG r0
    CALL Share.recip
    MOV r6, r0
    LDI r4, 0.2501
    PUSHARG r6
    PUSHARG r4
    CALL Share.lt
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 0.2499
    PUSHARG r6
    PUSHARG r4
    CALL Share.gt
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    # sqrt(2.25) within (1.4999, 1.5001); exp(1.0) within (2.7182, 2.7184)
    LDI r4, 2.25
    PUSHARG r4
    CALL Share.from_clear
    PUSHARG r0
    CALL Share.sqrt
    MOV r6, r0
    LDI r4, 1.5001
    PUSHARG r6
    PUSHARG r4
    CALL Share.lt
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 1.4999
    PUSHARG r6
    PUSHARG r4
    CALL Share.gt
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 1.0
    PUSHARG r4
    CALL Share.from_clear
    PUSHARG r0
    CALL Share.exp
    MOV r6, r0
    LDI r4, 2.7184
    PUSHARG r6
    PUSHARG r4
    CALL Share.lt
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 2.7182
    PUSHARG r6
    PUSHARG r4
    CALL Share.gt
    PUSHARG r0
    CALL Share.open
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    RET r3
.end
