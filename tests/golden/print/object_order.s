# Objects print their entries in insertion order (docs/compat.md: upstream
# uses hash-map order); overwriting a key keeps its place; at most 16
# entries, then "...(N more)" (spec §7.3).
# expect: {b: 1, a: 2, c: three}
# expect: {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8, k9: 9, k10: 10, k11: 11, k12: 12, k13: 13, k14: 14, k15: 15, ...(4 more)}
# expect: Program returned: {"b": 1, "a": 2, "c": "three"}
.function set params=o,k,v
    PUSHARG r0
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    RET r0
.end

.function main
    CALL create_object
    MOV r10, r0
    LDI r1, "b"
    LDI r2, 0
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set
    LDI r1, "a"
    LDI r2, 2
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set
    LDI r1, "c"
    LDI r2, "three"
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set
    LDI r1, "b"
    LDI r2, 1
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set
    PUSHARG r10
    CALL print
    CALL create_object
    MOV r11, r0
    LDI r3, 0               ; i
    LDI r4, 20
    LDI r5, 1
    LDI r6, "k"
loop:
    PUSHARG r3
    CALL to_string
    ADD r7, r6, r0
    PUSHARG r11
    PUSHARG r7
    PUSHARG r3
    CALL set
    ADD r3, r3, r5
    CMP r3, r4
    JMPLT loop
    PUSHARG r11
    CALL print
    RET r10
.end
