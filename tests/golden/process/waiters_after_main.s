# When main has returned, processes still waiting are not a deadlock:
# the program ends with main's result; runnable ones run to the end first.
# expect: worker done
# expect: Program returned: 5
.function waiter
    CALL Process.receive
    RET r0
.end

.function worker
    LDI r1, "worker done"
    PUSHARG r1
    CALL print
    RET r1
.end

.function main
    LDI r1, "waiter"
    PUSHARG r1
    CALL Process.spawn
    LDI r1, "worker"
    PUSHARG r1
    CALL Process.spawn
    LDI r0, 5
    RET r0
.end
