# Two arrays that contain each other: the cycle is detected on the path
# from the top (a = Array(1), b = Array(2)), also through to_string.
# expect: [[Array(1) <cycle>]]
# expect: [[Array(2) <cycle>]]
# expect: Program returned: "[[Array(1) <cycle>]]"
.function main
    CALL create_array
    MOV r10, r0
    CALL create_array
    MOV r11, r0
    PUSHARG r10
    PUSHARG r11
    CALL array_push
    PUSHARG r11
    PUSHARG r10
    CALL array_push
    PUSHARG r10
    CALL print
    PUSHARG r11
    CALL print
    PUSHARG r10
    CALL to_string
    RET r0
.end
