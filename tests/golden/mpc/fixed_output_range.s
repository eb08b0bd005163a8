# A fixed-point result out of its type's range is an error naming the
# output, the client and the type (issue 16 item 11); it was printed as a
# raw field element with exit 0.  The client's 1e13 doubled five times is
# 3.2e14, which needs more than 64 bits with 16 fractional ones.
# args: main --local-mpc --n-parties 4 --threshold 1 --inputs 10000000000000
# expect-error: fixed-point output 0 of client 0 is out of the range of fix64 (f=16)
.version 2
.client 0 inputs=fixed:64:16 outputs=fixed:64:16
.function main
    LDI r1, 0
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share_fixed
    MOV r16, r0
    ADD r16, r16, r16
    ADD r16, r16, r16
    ADD r16, r16, r16
    ADD r16, r16, r16
    ADD r16, r16, r16
    RET r16
.end
