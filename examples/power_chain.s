# Five dependent multiplications: x^6 for client 0's secret x.  Each MUL
# needs the previous product, so each is its own round (5 rounds, 5
# triples) before the final opening (1 more round).  docs/programming.md §9
# shows its cost report; the suite checks the numbers.
#
#   build/stoffel-run examples/power_chain.s --local-mpc --n-parties 4 \
#       --inputs 2 --stats
#   Program returned: 64
.function main regs=24
    LDI r1, 0
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0
    MUL r17, r16, r16       # x^2: round 1
    MUL r17, r17, r16
    MUL r17, r17, r16
    MUL r17, r17, r16
    MUL r17, r17, r16
    MOV r2, r17             # open x^6: round 6
    RET r2
.end
