# Spill slots: STS slot, src / LDS dst, slot.  Unwritten slots (beyond the
# end, or gaps) read as (); slots belong to the frame (spec §2.2, §4.3).
# expect: 7 () () 7
# expect: () ()
# expect: 8
# expect: Program returned: 7
.function peek
    LDS r1, 3
    LDS r2, 0
    PUSHARG r1
    PUSHARG r2
    CALL print
    LDI r1, 8
    STS 3, r1
    LDS r0, 3
    RET r0
.end

.function main
    LDI r5, 7
    STS 3, r5
    LDS r6, 3
    LDS r7, 10
    LDS r8, 1
    LDI r5, 100             ; overwriting the register does not change the slot
    LDS r9, 3
    PUSHARG r6
    PUSHARG r7
    PUSHARG r8
    PUSHARG r9
    CALL print
    CALL peek               ; callee sees empty slots, writes its own
    PUSHARG r0
    CALL print
    LDS r0, 3               ; caller's slot 3 still 7
    RET r0
.end
