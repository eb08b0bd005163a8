# A prototype chain may not loop back to the object.
# expect-error: Foreign function Object.set_prototype failed: Object.set_prototype would make a prototype cycle
# expect-error: at main, instruction 9
.function main
    CALL create_object
    MOV r1, r0
    CALL create_object
    MOV r2, r0
    PUSHARG r1
    PUSHARG r2
    CALL Object.set_prototype
    PUSHARG r2
    PUSHARG r1
    CALL Object.set_prototype
    RET r0
.end
