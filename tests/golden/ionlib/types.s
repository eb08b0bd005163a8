# Type predicates (IonVM's IsNumber IsString IsBool IsArray, which it never
# compiled) as Type.*, and the conversions to_number / to_string.
# expect: true
# expect: false
# expect: true
# expect: false
# expect: true
# expect: true
# expect: true
# expect: true
# expect: false
# expect: false
# expect: false
# expect: false
# expect: false
# expect: 42
# expect: -3.25f64
# expect: 1000f64
# expect: 1
# expect: 5i16
# expect: 12
# expect: true
# expect: true
# expect: true
# expect: a, 2, b
# expect: Program returned: 0
.function main
    LDI r1, 1.5
    PUSHARG r1
    CALL Type.is_number
    PUSHARG r0
    CALL print
    LDI r1, "1"
    PUSHARG r1
    CALL Type.is_number
    PUSHARG r0
    CALL print
    LDI r1, 7u8
    PUSHARG r1
    CALL Type.is_int
    PUSHARG r0
    CALL print
    LDI r1, 7.0
    PUSHARG r1
    CALL Type.is_int
    PUSHARG r0
    CALL print
    LDI r1, 7.0
    PUSHARG r1
    CALL Type.is_float
    PUSHARG r0
    CALL print
    LDI r1, "s"
    PUSHARG r1
    CALL Type.is_string
    PUSHARG r0
    CALL print
    LDI r1, false
    PUSHARG r1
    CALL Type.is_bool
    PUSHARG r0
    CALL print
    LDI r1, ()
    PUSHARG r1
    CALL Type.is_nil
    PUSHARG r0
    CALL print
    LDI r1, 0
    PUSHARG r1
    CALL Type.is_nil
    PUSHARG r0
    CALL print
    LDI r1, "a"
    PUSHARG r1
    CALL Type.is_array
    PUSHARG r0
    CALL print
    LDI r1, 1
    PUSHARG r1
    CALL Type.is_object
    PUSHARG r0
    CALL print
    LDI r1, 1
    PUSHARG r1
    CALL Type.is_function
    PUSHARG r0
    CALL print
    LDI r1, 1
    PUSHARG r1
    CALL Type.is_share
    PUSHARG r0
    CALL print
    LDI r1, "42"
    PUSHARG r1
    CALL to_number
    PUSHARG r0
    CALL print
    LDI r1, "-3.25"
    PUSHARG r1
    CALL to_number
    PUSHARG r0
    CALL print
    LDI r1, "1e3"
    PUSHARG r1
    CALL to_number
    PUSHARG r0
    CALL print
    LDI r1, true
    PUSHARG r1
    CALL to_number
    PUSHARG r0
    CALL print
    LDI r1, 5i16
    PUSHARG r1
    CALL to_number
    PUSHARG r0
    CALL print
    LDI r1, 12
    PUSHARG r1
    CALL to_string
    PUSHARG r0
    CALL print
    CALL create_array
    PUSHARG r0
    CALL Type.is_array
    PUSHARG r0
    CALL print
    CALL create_object
    PUSHARG r0
    CALL Type.is_object
    PUSHARG r0
    CALL print
    LDI r1, "f"
    PUSHARG r1
    CALL create_closure
    PUSHARG r0
    CALL Type.is_function
    PUSHARG r0
    CALL print
    LDI r1, "a"
    LDI r2, 2
    LDI r3, "b"
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL println
    LDI r0, 0
    RET r0
.end

.function f
    RET r0
.end
