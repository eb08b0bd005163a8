# Public fixed-point values are rounded to the nearest multiple of 2^-16,
# not truncated: 0.3 is 19661/65536 (truncation gives 19660) and -0.3 is
# -19661/65536, on every path a clear number becomes fixed point - a client
# input, Share.from_clear, Share.from_clear_fixed, an assembler constant
# moved into a secret register, and a constant added to a secret.  Each
# opened value is scaled back by 65536.  Client 0 gives 0.3, client 1 -0.3.
# Used by tests/run.py (mpc/fixed_round).
.function open_scaled params=s
    PUSHARG r0
    CALL Share.open
    LDI r1, 65536.0
    MUL r0, r0, r1
    RET r0
.end

.function main regs=20
    CALL create_array
    MOV r3, r0
    LDI r1, 0
    LDI r2, 1
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share_fixed
    MOV r16, r0                 # client 0: 0.3
    PUSHARG r2
    PUSHARG r1
    CALL ClientStore.take_share_fixed
    MOV r17, r0                 # client 1: -0.3
    PUSHARG r16
    CALL open_scaled
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    PUSHARG r17
    CALL open_scaled
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 0.3
    PUSHARG r4
    CALL Share.from_clear
    PUSHARG r0
    CALL open_scaled
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, -0.3
    LDI r5, 64
    LDI r6, 16
    PUSHARG r4
    PUSHARG r5
    PUSHARG r6
    CALL Share.from_clear_fixed
    PUSHARG r0
    CALL open_scaled
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    LDI r4, 0.3
    MOV r18, r4                 # clear constant into a secret register
    PUSHARG r18
    CALL open_scaled
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    ADD r19, r16, r4            # secret 0.3 + public 0.3
    PUSHARG r19
    CALL open_scaled
    PUSHARG r3
    PUSHARG r0
    CALL array_push
    RET r3
.end
