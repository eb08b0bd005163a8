# Stores one value of every storable type under keys "v0".."v7"
# (tests/storage/storage_tests.py loads them in another process).
.function put params=k,v
    PUSHARG r0
    PUSHARG r1
    CALL LocalStorage.store
    RET r0
.end
.function main
    LDI r10, "v0"
    LDI r11, 200u8
    PUSHARG r10
    PUSHARG r11
    CALL put
    LDI r10, "v1"
    LDI r11, -7i32
    PUSHARG r10
    PUSHARG r11
    CALL put
    LDI r10, "v2"
    LDI r11, 2.5
    PUSHARG r10
    PUSHARG r11
    CALL put
    LDI r10, "v3"
    LDI r11, true
    PUSHARG r10
    PUSHARG r11
    CALL put
    LDI r10, "v4"
    LDI r11, "héllo"
    PUSHARG r10
    PUSHARG r11
    CALL put
    CALL create_array
    MOV r2, r0
    LDI r3, 1
    PUSHARG r2
    PUSHARG r3
    CALL array_push
    LDI r3, "x"
    PUSHARG r2
    PUSHARG r3
    CALL array_push
    LDI r10, "v5"
    MOV r11, r2
    PUSHARG r10
    PUSHARG r11
    CALL put
    CALL create_object
    MOV r4, r0
    LDI r3, "k"
    PUSHARG r4
    PUSHARG r3
    PUSHARG r2
    CALL set_field
    LDI r10, "v6"
    MOV r11, r4
    PUSHARG r10
    PUSHARG r11
    CALL put
    LDI r10, "v7"
    LDI r11, ()
    PUSHARG r10
    PUSHARG r11
    CALL put
    RET r0
.end
