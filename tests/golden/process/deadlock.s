# Every process waits and none can run while main has not returned: a
# deadlock error names the waiting processes and where they wait.
# expect-error: Execution error in 'main': Deadlock: all 3 processes are waiting for a message and none can run
# expect-error: process 2 in waiter at instruction 0
# expect-error: process 3 in waiter at instruction 0
# expect-error: process 1 (main) in main at instruction 5
# expect-error: at main, instruction 5
.function waiter
    CALL Process.receive
    RET r0
.end

.function main
    LDI r1, "waiter"
    PUSHARG r1
    CALL Process.spawn
    PUSHARG r1
    CALL Process.spawn
    CALL Process.receive
    RET r0
.end
