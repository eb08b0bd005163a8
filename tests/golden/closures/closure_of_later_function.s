# The closure's function need not exist when the closure is created; a
# closure with no upvalues just calls its function (spec §5.3).
# expect: Program returned: "late"
.function main
    LDI r1, "later"
    PUSHARG r1
    CALL create_closure
    MOV r2, r0
    PUSHARG r2
    CALL call_closure
    RET r0
.end

.function later
    LDI r0, "late"
    RET r0
.end
