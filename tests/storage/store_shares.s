# Run 1 of a --local-mpc session: stores an integer and a fixed-point share.
.function main
    LDI r1, 41
    LDI r2, 32
    PUSHARG r1
    PUSHARG r2
    CALL Share.from_clear_int
    LDI r3, 1
    PUSHARG r0
    PUSHARG r3
    CALL Share.add_scalar
    MOV r4, r0
    LDI r5, "int-share"
    PUSHARG r5
    PUSHARG r4
    CALL LocalStorage.store
    LDI r1, 1.25
    LDI r2, 64
    LDI r3, 16
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL Share.from_clear_fixed
    MOV r4, r0
    LDI r5, "fixed-share"
    PUSHARG r5
    PUSHARG r4
    CALL LocalStorage.store
    RET r0
.end
