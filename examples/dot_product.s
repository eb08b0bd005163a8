# Dot product of a secret vector with public integer weights: client 0
# submits three secret integers; the weights (3, 1, 4) are public, so every
# product is local (no triple, no round) and only the final open costs a
# round.
#
#   build/stoffel-run examples/dot_product.s --local-mpc --n-parties 4 \
#       --inputs 2:7:1
#   Program returned: 17
.client 0 inputs=int:64,int:64,int:64

.function main regs=20
    LDI r1, 0               # client 0
    LDI r8, 0               # running index
    LDI r9, 1
    LDI r10, 3              # vector length
    CALL create_array
    MOV r11, r0             # the public weights
    LDI r2, 3
    PUSHARG r11
    PUSHARG r2
    CALL array_push
    LDI r2, 1
    PUSHARG r11
    PUSHARG r2
    CALL array_push
    LDI r2, 4
    PUSHARG r11
    PUSHARG r2
    CALL array_push
    LDI r2, 0
    MOV r16, r2             # sum = 0: a clear 0 written to r16 becomes a share
loop:
    CMP r8, r10
    JMPEQ done
    PUSHARG r1
    PUSHARG r8
    CALL ClientStore.take_share
    MOV r17, r0             # x[i], secret
    PUSHARG r11
    PUSHARG r8
    CALL get_field
    MOV r12, r0             # w[i], clear
    MUL r17, r17, r12       # share * clear integer: local
    ADD r16, r16, r17       # local
    ADD r8, r8, r9
    JMP loop
done:
    MOV r3, r16             # one opening
    RET r3
.end
