# Upstream's random-bit recipe (stoffellang examples: comparison and
# bit-decomposition) on Field.*: open r^2 for a random field share r, take
# the canonical root r' with Field.sqrt, and fold c = r / r' (so c = +-1)
# back into the share: bit = (c + 1) / 2.  Also Share.random_int(k)
# retagged to 64 bits, opened below 2^k, and Mpc.has_capability /
# Mpc.field.  Returns [has client-output, field name, bits..., ints...];
# tests/run.py (mpc/field_random_bit) checks every bit is 0 or 1, every int
# below 2^10, and that neither list is constant.
.function random_bit regs=8
    CALL Share.random_field
    MOV r1, r0                      # r
    PUSHARG r1
    PUSHARG r1
    CALL Share.mul
    PUSHARG r0
    CALL Share.open_field
    MOV r2, r0                      # r^2, public
    PUSHARG r2
    CALL Field.sqrt
    PUSHARG r0
    CALL Field.inverse
    MOV r3, r0                      # 1 / r'
    LDI r4, 2
    PUSHARG r4
    CALL Field.from_int
    PUSHARG r0
    CALL Field.inverse
    MOV r5, r0                      # 1/2
    PUSHARG r1
    PUSHARG r3
    CALL Share.mul_field            # c = r / r' = +-1
    MOV r6, r0
    CALL Field.one
    PUSHARG r6
    PUSHARG r0
    CALL Share.add_field
    PUSHARG r0
    PUSHARG r5
    CALL Share.mul_field            # (c + 1) / 2
    PUSHARG r0
    CALL Share.open
    RET r0
.end

.function main regs=10
    CALL create_array
    MOV r1, r0
    LDI r2, "client_output"
    PUSHARG r2
    CALL Mpc.has_capability
    PUSHARG r1
    PUSHARG r0
    CALL array_push
    CALL Mpc.field
    PUSHARG r1
    PUSHARG r0
    CALL array_push
    LDI r3, 0
    LDI r4, 24
    LDI r5, 1
bits:
    CALL random_bit
    PUSHARG r1
    PUSHARG r0
    CALL array_push
    ADD r3, r3, r5
    CMP r3, r4
    JMPLT bits
    LDI r3, 0
    LDI r6, 10
    LDI r7, 64
ints:
    PUSHARG r6
    CALL Share.random_int
    PUSHARG r0
    PUSHARG r7
    CALL Share.retag
    PUSHARG r0
    CALL Share.open
    PUSHARG r1
    PUSHARG r0
    CALL array_push
    ADD r3, r3, r5
    CMP r3, r4
    JMPLT ints
    RET r1
.end
