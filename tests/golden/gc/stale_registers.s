# Calls do not clear registers that are always written before being read,
# so a new frame can start over a dead frame's object pointers.  The
# collector clears the stack above its top: a stale pointer never outlives
# its object (under ASan, marking a freed object would be reported).
# expect: Program returned: 300000
.function make
    LDI r1, "stale-"
    LDI r2, 1
    PUSHARG r2
    CALL to_string
    ADD r5, r1, r0          # a fresh string left in this frame's r5
    CALL create_array
    MOV r6, r0              # and a fresh array in r6
    RET r2
.end

# Makes garbage until several collections have run; never touches r5/r6
# except by writing them last.
.function churn
    LDI r1, 0
    LDI r2, 100000
    LDI r3, 1
loop:
    PUSHARG r1
    CALL to_string
    ADD r1, r1, r3
    CMP r1, r2
    JMPLT loop
    LDI r5, 0
    LDI r6, 0
    RET r1
.end

.function main
    LDI r10, 0
    CALL make
    # Garbage made here collects make's string and array while nothing
    # covers its dead frame ...
    LDI r1, 0
    LDI r2, 200000
    LDI r3, 1
loop:
    PUSHARG r1
    CALL to_string
    ADD r1, r1, r3
    CMP r1, r2
    JMPLT loop
    # ... then churn's frame starts over the pointers to them.
    CALL churn
    ADD r10, r10, r0
    CALL make
    CALL churn
    ADD r10, r10, r0
    CALL churn
    ADD r10, r10, r0
    RET r10
.end
