# IonVM's math functions (Sqrt Abs Sin Cos Floor Ceil Round Max Min Pow Log)
# as Math.*: integers stay integers where the result is exact.
# expect: 4f64
# expect: 1.5f64
# expect: 7
# expect: 2.5f64
# expect: 3i32
# expect: 2f64
# expect: -3f64
# expect: 3f64
# expect: 3f64
# expect: -3f64
# expect: 9
# expect: 0f64
# expect: 1f64
# expect: 9
# expect: 3
# expect: 9.5f64
# expect: -1.5f64
# expect: 1024f64
# expect: 0f64
# expect: 1f64
# expect: Program returned: 0
.function main
    LDI r1, 16
    PUSHARG r1
    CALL Math.sqrt
    PUSHARG r0
    CALL print
    LDI r1, 2.25
    PUSHARG r1
    CALL Math.sqrt
    PUSHARG r0
    CALL print
    LDI r1, -7
    PUSHARG r1
    CALL Math.abs
    PUSHARG r0
    CALL print
    LDI r1, -2.5
    PUSHARG r1
    CALL Math.abs
    PUSHARG r0
    CALL print
    LDI r1, 3i32
    PUSHARG r1
    CALL Math.abs
    PUSHARG r0
    CALL print
    LDI r1, 2.7
    PUSHARG r1
    CALL Math.floor
    PUSHARG r0
    CALL print
    LDI r1, -2.2
    PUSHARG r1
    CALL Math.floor
    PUSHARG r0
    CALL print
    LDI r1, 2.1
    PUSHARG r1
    CALL Math.ceil
    PUSHARG r0
    CALL print
    LDI r1, 2.5
    PUSHARG r1
    CALL Math.round
    PUSHARG r0
    CALL print
    LDI r1, -2.5
    PUSHARG r1
    CALL Math.round
    PUSHARG r0
    CALL print
    LDI r1, 9
    PUSHARG r1
    CALL Math.round
    PUSHARG r0
    CALL print
    LDI r1, 0
    PUSHARG r1
    CALL Math.sin
    PUSHARG r0
    CALL print
    LDI r1, 0
    PUSHARG r1
    CALL Math.cos
    PUSHARG r0
    CALL print
    LDI r1, 3
    LDI r2, 9
    LDI r3, 4
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL Math.max
    PUSHARG r0
    CALL print
    LDI r1, 3
    LDI r2, 9
    LDI r3, 4
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL Math.min
    PUSHARG r0
    CALL print
    LDI r1, 3
    LDI r2, 9.5
    PUSHARG r1
    PUSHARG r2
    CALL Math.max
    PUSHARG r0
    CALL print
    LDI r1, -1.5
    LDI r2, 2
    PUSHARG r1
    PUSHARG r2
    CALL Math.min
    PUSHARG r0
    CALL print
    LDI r1, 2
    LDI r2, 10
    PUSHARG r1
    PUSHARG r2
    CALL Math.pow
    PUSHARG r0
    CALL print
    LDI r1, 1
    PUSHARG r1
    CALL Math.log
    PUSHARG r0
    CALL print
    LDI r1, 0
    PUSHARG r1
    CALL Math.exp
    PUSHARG r0
    CALL print
    LDI r0, 0
    RET r0
.end
