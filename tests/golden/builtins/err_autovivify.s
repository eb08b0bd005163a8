# get_or_create_array_field through an existing non-table value (spec §7.1).
# expect-error: Execution error in 'main': Foreign function get_or_create_array_field failed: Cannot autovivify nested list through a non-list value
.function main
    CALL create_object
    MOV r10, r0
    LDI r1, "xs"
    LDI r2, 5
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    PUSHARG r10
    PUSHARG r1
    CALL get_or_create_array_field
    RET r0
.end
