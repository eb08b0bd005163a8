# 2x for client 0's fixed-point input (16 fractional bits), returned as a
# share.  No manifest: the parties send the output's type with it, so a
# networked client prints 25.5 for 12.75 as --local-mpc does.  Used by
# tests/net/client_io_tests.py.
.function main regs=20
    LDI r1, 0
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share_fixed
    MOV r16, r0
    ADD r17, r16, r16
    RET r17
.end
