# Process.spawn takes a closure too (its upvalues travel as copies) and
# extra arguments for the function; a builtin or a missing function is an
# error of the spawning call.
# expect: 107
# expect-error: Foreign function Process.spawn failed: cannot spawn builtin print
# expect-error: at main, instruction 18
.function add_to params=parent,y upvalues=x
    MOV r5, r0
    MOV r6, r1
    LDI r1, "x"
    PUSHARG r1
    CALL get_upvalue
    ADD r0, r0, r6
    PUSHARG r5
    PUSHARG r0
    CALL Process.send
    RET r0
.end

.function make params=x
    LDI r1, "add_to"
    LDI r2, "x"
    PUSHARG r1
    PUSHARG r2
    CALL create_closure
    RET r0
.end

.function main
    LDI r1, 100
    PUSHARG r1
    CALL make
    MOV r2, r0
    CALL Process.self
    MOV r3, r0
    LDI r4, 7
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL Process.spawn
    CALL Process.receive
    PUSHARG r0
    CALL print
    LDI r1, "print"
    PUSHARG r1
    LDI r1, 1
    PUSHARG r1
    CALL Process.spawn
    RET r0
.end
