# The constants 0.0 and -0.0 stay distinct through assembly: they are equal
# under float equality (spec §1.2), but LDI must load the value written;
# pooling them into one constant would silently change the sign of a zero.
# expect: -0f64 0f64 0f64 -0f64
# expect: eq
# expect: Program returned: -0
.function main
    LDI r1, -0.0
    LDI r2, 0.0
    LDI r3, 0.0
    LDI r4, -0.0
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL print
    CMP r1, r2
    JMPEQ eq
    LDI r5, "ne"
    JMP out
eq:
    LDI r5, "eq"
out:
    PUSHARG r5
    CALL print
    RET r4
.end
