# create_closure can capture a name that is itself an upvalue of the
# current frame (spec §5.2: locals first, then the frame's upvalues).
# expect: Program returned: 7
.function make params=v
    LDI r1, "level1"
    PUSHARG r1
    LDI r1, "v"
    PUSHARG r1
    CALL create_closure
    RET r0
.end

.function level1 upvalues=v
    LDI r1, "level2"
    PUSHARG r1
    LDI r1, "v"
    PUSHARG r1
    CALL create_closure
    RET r0
.end

.function level2 upvalues=v
    LDI r1, "v"
    PUSHARG r1
    CALL get_upvalue
    RET r0
.end

.function main
    LDI r1, 7
    PUSHARG r1
    CALL make
    MOV r2, r0
    PUSHARG r2
    CALL call_closure       ; returns the level2 closure
    MOV r3, r0
    PUSHARG r3
    CALL call_closure
    RET r0
.end
