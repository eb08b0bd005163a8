# A frame's registers start as () even where an earlier call left values
# in the same stack memory.  Calls skip clearing the registers that no path
# reads before writing; these functions read theirs before writing on some
# path: one branch only, a loop's back edge, a CMP operand, the implicit
# return of r0, and a parameterless function's r0.
# expect: () 7 ()
# expect: () 0
# expect: 5 1
# expect: ()
# expect-error: Execution error in 'main': Cannot compare () and 16
# expect-error: at cmp_unwritten, instruction 1
.function dirty
    LDI r0, 11
    LDI r1, 12
    LDI r2, 13
    LDI r3, 14
    LDI r4, 15
    LDI r5, 16
    LDI r6, 17
    RET r0
.end

# r2 is written on one branch only, r3 is never written.
.function one_branch params=x
    LDI r1, 0
    CMP r0, r1
    JMPEQ skip
    LDI r2, 7
skip:
    LDI r4, 7
    PUSHARG r3
    PUSHARG r4
    PUSHARG r2
    CALL print
    RET r0
.end

# r2 is read at the loop head before the body writes it (back edge).
.function loop_carried
    LDI r1, 0
    LDI r3, 1
    LDI r7, 2
head:
    PUSHARG r2
    PUSHARG r1
    CALL print
    LDI r2, 5
    ADD r1, r1, r3
    CMP r1, r7
    JMPLT head
    RET r1
.end

# Falls off the end: returns r0, never written.
.function implicit_return
    LDI r1, 3
.end

# CMP reads r5 before anything writes it: the stale 16 would compare
# equal; () cannot be compared at all.
.function cmp_unwritten
    LDI r6, 16
    CMP r5, r6
    RET r6
.end

.function main
    CALL dirty
    LDI r1, 0
    PUSHARG r1
    CALL one_branch
    CALL dirty
    CALL loop_carried
    CALL dirty
    CALL implicit_return
    PUSHARG r0
    CALL print
    CALL dirty
    CALL cmp_unwritten
    RET r0
.end
