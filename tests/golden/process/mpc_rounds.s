# MPC-aware scheduling: 50 processes each do 10 dependent multiplications
# on secret shares (x = x * 2, ten times, from 1).  A process that needs
# a product not computed yet parks; when none can run, one round serves
# all of them, so the 500 multiplications take about 10 rounds, not 500.
# Main opens the 50 results in one more round and checks both.
# args: main --local-mpc --n-parties 4 --threshold 1
# expect: Program returned: true
.function worker params=parent regs=20
    MOV r7, r0
    LDI r1, 1
    PUSHARG r1
    CALL Share.from_clear
    MOV r16, r0
    LDI r1, 2
    PUSHARG r1
    CALL Share.from_clear
    MOV r17, r0
    LDI r2, 0
    LDI r3, 10
    LDI r4, 1
loop:
    MUL r16, r16, r17
    ADD r2, r2, r4
    CMP r2, r3
    JMPLT loop
    PUSHARG r7
    PUSHARG r16
    CALL Process.send
    RET r2
.end

.function main regs=20
    CALL Mpc.rounds
    MOV r9, r0
    CALL Process.self
    MOV r1, r0
    LDI r2, "worker"
    LDI r3, 0
    LDI r4, 50
    LDI r5, 1
spawn:
    PUSHARG r2
    PUSHARG r1
    CALL Process.spawn
    ADD r3, r3, r5
    CMP r3, r4
    JMPLT spawn
    CALL create_array
    MOV r6, r0
    LDI r3, 0
collect:
    CALL Process.receive
    PUSHARG r6
    PUSHARG r0
    CALL array_push
    ADD r3, r3, r5
    CMP r3, r4
    JMPLT collect
    CALL Mpc.rounds
    SUB r10, r0, r9
    PUSHARG r6
    CALL Share.batch_open
    MOV r11, r0
    LDI r3, 0
check:
    PUSHARG r11
    PUSHARG r3
    CALL get_field
    LDI r12, 1024
    CMP r0, r12
    JMPNEQ wrong
    ADD r3, r3, r5
    CMP r3, r4
    JMPLT check
    LDI r12, 12
    LDI r0, false
    CMP r10, r12
    JMPGT done
    LDI r0, true
done:
    RET r0
wrong:
    LDI r0, "wrong product"
    RET r0
.end
