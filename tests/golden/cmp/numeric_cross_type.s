# CMP compares any two numeric values by exact mathematical value across
# types, including I64 vs Float beyond 2^53 (spec §1.6).
# expect: -1 lt 0u64
# expect: 9007199254740993 gt 9007199254740992f64
# expect: 9007199254740992 eq 9007199254740992f64
# expect: 1i32 eq 1
# expect: 255u8 gt -1i8
# expect: 18446744073709551615u64 gt -1
# expect: 18446744073709551615u64 lt 18446744073709552000f64
# expect: -9223372036854775808 eq -9223372036854776000f64
# expect: 9223372036854775807 lt 9223372036854776000f64
# expect: -inff64 lt -9223372036854775808
# expect: inff64 gt 18446744073709551615u64
# expect: 0.5f64 gt 0
# expect: 0.5f64 lt 1u8
# expect: -1i16 lt 65535u16
# expect: 3u32 eq 3i8
# expect: 2147483648u32 gt 2147483647i32
# expect: 1.5f64 eq 1.5f64
# expect: Program returned: ()

.function cmp3 params=a,b
    CMP r0, r1
    JMPLT lt
    JMPGT gt
    LDI r0, "eq"
    RET r0
lt:
    LDI r0, "lt"
    RET r0
gt:
    LDI r0, "gt"
    RET r0
.end

.function show params=a,b
    MOV r2, r0
    PUSHARG r0
    PUSHARG r1
    CALL cmp3
    MOV r3, r0
    PUSHARG r2
    PUSHARG r3
    PUSHARG r1
    CALL print
    RET r0
.end

.function main
    LDI r1, -1
    LDI r2, 0u64
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, 9007199254740993
    LDI r2, 9007199254740992.0
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, 9007199254740992
    LDI r2, 9007199254740992.0
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, 1i32
    LDI r2, 1
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, 255u8
    LDI r2, -1i8
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, 18446744073709551615u64
    LDI r2, -1
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, 18446744073709551615u64
    LDI r2, 18446744073709551616.0
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, -9223372036854775808
    LDI r2, -9223372036854775808.0
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, 9223372036854775807
    LDI r2, 9223372036854775808.0
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, -inf
    LDI r2, -9223372036854775808
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, inf
    LDI r2, 18446744073709551615u64
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, 0.5
    LDI r2, 0
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, 0.5
    LDI r2, 1u8
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, -1i16
    LDI r2, 65535u16
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, 3u32
    LDI r2, 3i8
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, 2147483648u32
    LDI r2, 2147483647i32
    PUSHARG r1
    PUSHARG r2
    CALL show
    LDI r1, 1.5
    LDI r2, 1.5
    PUSHARG r1
    PUSHARG r2
    CALL show
    RET r0
.end
