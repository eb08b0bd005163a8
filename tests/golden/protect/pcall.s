# Error.pcall catches VM errors (division by zero, builtin errors, raised
# values) and reports where they happened; a call that works gives
# ok = true and its value.  Calls by function name and by closure.
# expect: true 12
# expect: false Division by zero boom 2
# expect: false Foreign function get_field failed: string index 9 out of range (length 3) bad_index 4
# expect: false {code: 7} raise_it 9
# expect: true 40
# expect: Program returned: "after"
.function twice params=x
    ADD r0, r0, r0
    RET r0
.end

.function boom params=a,b
    NOP
    NOP
    DIV r2, r0, r1
    RET r2
.end

.function bad_index
    LDI r1, "abc"
    LDI r2, 9
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    RET r0
.end

.function raise_it
    CALL create_object
    MOV r1, r0
    LDI r2, "code"
    LDI r3, 7
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL set_field
    PUSHARG r1
    CALL Error.raise
    RET r0
.end

.function raiser
    NOP
    NOP
    CALL raise_it
    RET r0
.end

.function adder params=y upvalues=x
    MOV r5, r0
    LDI r1, "x"
    PUSHARG r1
    CALL get_upvalue
    ADD r0, r0, r5
    RET r0
.end

.function make params=x
    LDI r1, "adder"
    LDI r2, "x"
    PUSHARG r1
    PUSHARG r2
    CALL create_closure
    RET r0
.end

.function report params=r
    MOV r5, r0
    LDI r1, "ok"
    PUSHARG r5
    PUSHARG r1
    CALL get_field
    MOV r6, r0
    LDI r2, true
    CMP r6, r2
    JMPNEQ failed
    LDI r1, "value"
    PUSHARG r5
    PUSHARG r1
    CALL get_field
    PUSHARG r6
    PUSHARG r0
    CALL print
    RET r0
failed:
    LDI r1, "error"
    PUSHARG r5
    PUSHARG r1
    CALL get_field
    MOV r7, r0
    LDI r1, "function"
    PUSHARG r5
    PUSHARG r1
    CALL get_field
    MOV r8, r0
    LDI r1, "instruction"
    PUSHARG r5
    PUSHARG r1
    CALL get_field
    PUSHARG r6
    PUSHARG r7
    PUSHARG r8
    PUSHARG r0
    CALL print
    RET r0
.end

.function main
    LDI r1, "twice"
    LDI r2, 6
    PUSHARG r1
    PUSHARG r2
    CALL Error.pcall
    PUSHARG r0
    CALL report
    LDI r1, "boom"
    LDI r2, 1
    LDI r3, 0
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL Error.pcall
    PUSHARG r0
    CALL report
    LDI r1, "bad_index"
    PUSHARG r1
    CALL Error.pcall
    PUSHARG r0
    CALL report
    LDI r1, "raiser"
    PUSHARG r1
    CALL Error.pcall
    PUSHARG r0
    CALL report
    LDI r1, 30
    PUSHARG r1
    CALL make
    LDI r2, 10
    PUSHARG r0
    PUSHARG r2
    CALL Error.pcall
    PUSHARG r0
    CALL report
    LDI r0, "after"
    RET r0
.end
