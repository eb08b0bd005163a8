# Without an MPC engine Mpc.is_ready() is false (spec §7.4).
# expect: Program returned: false
.function main
    CALL Mpc.is_ready
    RET r0
.end
