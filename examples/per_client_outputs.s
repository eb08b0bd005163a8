# Per-client outputs: two clients submit one secret integer each; client 0
# privately receives the sum, client 1 privately receives the product, and
# the parties learn nothing (the program returns the clear constant 0).
#
#   build/stoffel-run examples/per_client_outputs.s --local-mpc --n-parties 4 \
#       --inputs 15,25
#   client 0 received: 40
#   client 1 received: 375
#   Program returned: 0
.client 0 inputs=int:64 outputs=int:64
.client 1 inputs=int:64 outputs=int:64

.function main regs=20
    LDI r1, 0
    LDI r2, 1
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0             # a
    PUSHARG r2
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r17, r0             # b
    ADD r18, r16, r17       # a + b: local
    MUL r19, r16, r17       # a * b: 1 round, 1 triple
    PUSHARG r1
    PUSHARG r18
    CALL MpcOutput.send_to_client   # only client 0 can reconstruct it
    PUSHARG r2
    PUSHARG r19
    CALL MpcOutput.send_to_client
    LDI r3, 0
    RET r3
.end
