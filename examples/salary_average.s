# Secret average: every client (an employee) submits a salary as a secret
# input; the parties add the salaries on secret shares and open only the
# total, so nobody - no party, no client - sees anyone else's salary.
#
#   build/stoffel-run examples/salary_average.s --local-mpc --n-parties 4 \
#       --threshold 1 --inputs 52000,61000,58000
#   average salary: 57000
#   Program returned: 57000
#
# Registers r16 and up hold secret shares; MOV from r16 to a clear register
# opens (reveals) the value.
.function main regs=18
    CALL ClientStore.get_number_clients
    MOV r5, r0              # number of clients
    LDI r1, 0               # client index
    LDI r2, 0               # input index
    PUSHARG r1
    PUSHARG r2
    CALL ClientStore.take_share
    MOV r16, r0             # running total, a secret share
    LDI r1, 1
    LDI r4, 1
next:
    CMP r1, r5
    JMPEQ done
    PUSHARG r1
    PUSHARG r2
    CALL ClientStore.take_share
    MOV r17, r0
    ADD r16, r16, r17       # local: no communication
    ADD r1, r1, r4
    JMP next
done:
    MOV r3, r16             # open the total (one robust opening)
    DIV r3, r3, r5          # the average, in the clear
    LDI r6, "average salary:"
    PUSHARG r6
    PUSHARG r3
    CALL print
    RET r3
.end
