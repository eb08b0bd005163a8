# A callee that falls off its end returns its r0 to the caller, and the
# caller continues (spec §4.11; the legacy bug of ending the program is
# not reproduced).
# expect: 14
# expect: Program returned: "after"
.function double params=x
    ADD r0, r0, r0
.end

.function main
    LDI r1, 7
    PUSHARG r1
    CALL double
    PUSHARG r0
    CALL print
    LDI r0, "after"
    RET r0
.end
