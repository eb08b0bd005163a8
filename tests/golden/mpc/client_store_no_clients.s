# Spec §15 client_mul without MPC: no client inputs locally, so
# ClientStore.get_number_clients is 0 and take_share(0, 0) fails.
# expect: 0
# expect-error: Execution error in 'main': Foreign function ClientStore.take_share failed: No client at index 0
.function main
    CALL ClientStore.get_number_clients
    PUSHARG r0
    CALL print
    LDI r1, 0
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    RET r0
.end
