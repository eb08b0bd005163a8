# CMP on secret registers would branch on a secret: an error that names the
# comparison builtins.  Used by tests/run.py (mpc/cmp_secret_error).
.function main regs=18
    LDI r1, 0
    LDI r2, 1
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0
    PUSHARG r2
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r17, r0
    CMP r16, r17
    RET r1
.end
