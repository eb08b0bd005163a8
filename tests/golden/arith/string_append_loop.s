# s = s .. x in a loop extends s in place (I_APPEND; the collector may run
# between appends), in a short loop too; an array takes each value of a
# third string before its next append, so those stay plain ADDs and every
# element keeps its text.
# expect: 300 abababababababab-
# expect: [x, xy, xyy]
# expect: Program returned: "abababababababab-"
.function main
    LDI r1, ""
    LDI r2, "ab"
    LDI r3, 0
    LDI r4, 150
    LDI r5, 1
loop:
    CMP r3, r4
    JMPEQ done
    ADD r1, r1, r2
    CALL create_array       # garbage, so that collections happen
    ADD r3, r3, r5
    JMP loop
done:
    PUSHARG r1
    CALL len
    MOV r6, r0
    LDI r7, "ab"
    LDI r3, 0
    LDI r4, 7
short:
    CMP r3, r4
    JMPEQ shown
    ADD r7, r7, r2
    ADD r3, r3, r5
    JMP short
shown:
    LDI r8, "-"
    ADD r7, r7, r8
    PUSHARG r6
    PUSHARG r7
    CALL print
    CALL create_array
    MOV r9, r0
    LDI r10, "x"
    LDI r11, "y"
    LDI r3, 0
    LDI r4, 3
copies:
    CMP r3, r4
    JMPEQ listed
    PUSHARG r9
    PUSHARG r10
    CALL array_push
    ADD r10, r10, r11
    ADD r3, r3, r5
    JMP copies
listed:
    PUSHARG r9
    CALL print
    RET r7
.end
