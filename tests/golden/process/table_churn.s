# The process table under churn.  70,000 processes wait (pids 2..70001);
# every third one ends; 200,000 short-lived ones start and end; then
# 10,000 more wait (pids 270,002..280,001), whose slots wrap onto those of
# old ones still waiting; then another third of the old ones ends, leaving
# holes in front of the late ones.  Process.alive must be right for every
# pid, Process.count too, and every survivor must still get its mail.
# Returns the number of wrong answers plus 1000 times the processes left
# at the end besides main (expected: 0).
# timeout: 120
# expect: Program returned: 0
.function waiter
    CALL Process.receive
    RET r0
.end

.function quick
    LDI r0, 1
    RET r0
.end

# Let every runnable process run: main waits 1 ms, and the scheduler runs
# all that can run before it sleeps for a timer.
.function settle
    LDI r1, 1
    PUSHARG r1
    CALL Process.receive_timeout
    RET r0
.end

# Spawn n processes running fn.
.function spawn_n params=fn,n
    MOV r5, r0
    LDI r3, 0
    LDI r4, 1
loop:
    PUSHARG r5
    CALL Process.spawn
    ADD r3, r3, r4
    CMP r3, r1
    JMPLT loop
    RET r3
.end

# Send to pids from..to (inclusive) stepping by step.
.function send_range params=from,to,step
    MOV r3, r0
    LDI r4, 1
loop:
    PUSHARG r3
    PUSHARG r4
    CALL Process.send
    ADD r3, r3, r2
    CMP r3, r1
    JMPGT done
    JMP loop
done:
    RET r3
.end

# Wrong answers of Process.alive over pids from..to: pid p must be alive
# iff (p - 2) mod 3 is the live class (3: every pid).
.function check_range params=from,to,live
    MOV r3, r0
    LDI r4, 1
    LDI r5, 3
    LDI r6, 0
    LDI r7, 2
loop:
    PUSHARG r3
    CALL Process.alive
    MOV r8, r0
    LDI r9, true
    CMP r2, r5
    JMPEQ expect
    SUB r10, r3, r7
    MOD r10, r10, r5
    CMP r10, r2
    JMPEQ expect
    LDI r9, false
expect:
    CMP r8, r9
    JMPEQ next
    ADD r6, r6, r4
next:
    ADD r3, r3, r4
    CMP r3, r1
    JMPGT done
    JMP loop
done:
    RET r6
.end

.function main
    LDI r1, "waiter"
    LDI r2, 70000
    PUSHARG r1
    PUSHARG r2
    CALL spawn_n
    LDI r7, 2
    LDI r8, 70001
    LDI r9, 3
    PUSHARG r7
    PUSHARG r8
    PUSHARG r9
    CALL send_range
    CALL settle
    LDI r1, "quick"
    LDI r2, 200000
    PUSHARG r1
    PUSHARG r2
    CALL spawn_n
    CALL settle
    LDI r1, "waiter"
    LDI r2, 10000
    PUSHARG r1
    PUSHARG r2
    CALL spawn_n
    LDI r7, 3
    PUSHARG r7
    PUSHARG r8
    PUSHARG r9
    CALL send_range
    CALL settle
    # wrong answers in r10: of the old pids only 4, 7, ... wait
    LDI r7, 2
    LDI r1, 2
    PUSHARG r7
    PUSHARG r8
    PUSHARG r1
    CALL check_range
    MOV r10, r0
    LDI r11, 270002
    LDI r12, 280001
    PUSHARG r11
    PUSHARG r12
    PUSHARG r9
    CALL check_range
    ADD r10, r10, r0
    # main + 23,333 old + 10,000 late
    CALL Process.count
    LDI r13, 33334
    LDI r6, 1
    CMP r0, r13
    JMPEQ count_ok
    ADD r10, r10, r6
count_ok:
    LDI r7, 4
    PUSHARG r7
    PUSHARG r8
    PUSHARG r9
    CALL send_range
    PUSHARG r11
    PUSHARG r12
    PUSHARG r6
    CALL send_range
    CALL settle
    CALL Process.count
    SUB r0, r0, r6
    LDI r13, 1000
    MUL r0, r0, r13
    ADD r0, r0, r10
    RET r0
.end
