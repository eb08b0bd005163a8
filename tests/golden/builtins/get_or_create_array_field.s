# get_or_create_array_field autovivifies an empty array at a missing key and
# returns the existing table value otherwise (spec §7.1).
# expect: [1] 1
# expect: Program returned: [1]
.function main
    CALL create_object
    MOV r10, r0
    LDI r1, "xs"
    PUSHARG r10
    PUSHARG r1
    CALL get_or_create_array_field
    MOV r2, r0
    LDI r3, 1
    PUSHARG r2
    PUSHARG r3
    CALL array_push
    PUSHARG r10
    PUSHARG r1
    CALL get_or_create_array_field
    MOV r4, r0
    PUSHARG r4
    CALL array_length
    PUSHARG r4
    PUSHARG r0
    CALL print
    PUSHARG r10
    PUSHARG r1
    CALL get_field
    RET r0
.end
