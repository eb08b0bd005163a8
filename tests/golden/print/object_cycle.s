# An object that contains itself (spec §7.3).  The object is heap id 1.
# expect: {self: Object(1) <cycle>}
# expect: Program returned: ()
.function main
    CALL create_object
    MOV r10, r0
    LDI r1, "self"
    PUSHARG r10
    PUSHARG r1
    PUSHARG r10
    CALL set_field
    PUSHARG r10
    CALL print
    RET r0
.end
