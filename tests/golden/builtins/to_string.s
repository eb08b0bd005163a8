# to_string uses print's formatting: strings raw, others debug text,
# containers expanded (spec §7.1, §7.3).
# expect: 1.5f64|x|1i32|()|true|[1, a]|{k: v}
# expect: Program returned: "1.5f64"
.function ts params=v
    PUSHARG r0
    CALL to_string
    RET r0
.end

.function main
    LDI r9, "|"
    LDI r1, 1.5
    PUSHARG r1
    CALL ts
    MOV r10, r0
    MOV r11, r0
    ADD r11, r11, r9
    LDI r1, "x"
    PUSHARG r1
    CALL ts
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, 1i32
    PUSHARG r1
    CALL ts
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, ()
    PUSHARG r1
    CALL ts
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, true
    PUSHARG r1
    CALL ts
    ADD r11, r11, r0
    ADD r11, r11, r9
    CALL create_array
    MOV r2, r0
    LDI r3, 1
    LDI r4, "a"
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL array_push
    PUSHARG r2
    CALL ts
    ADD r11, r11, r0
    ADD r11, r11, r9
    CALL create_object
    MOV r2, r0
    LDI r3, "k"
    LDI r4, "v"
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL set_field
    PUSHARG r2
    CALL ts
    ADD r11, r11, r0
    PUSHARG r11
    CALL print
    RET r10
.end
