# Crypto.point_to_sec1 takes exactly 2 arguments.
# expect-error: Crypto.point_to_sec1 expects 2 arguments: point_bytes, curve_name
.function main
    LDI r6, "9817f8165b81f259d928ce2ddbfc9b02070b87ce9562a055acbbdcf97e66be7900"
    PUSHARG r6
    CALL Bytes.from_hex
    MOV r5, r0
    PUSHARG r5
    CALL Crypto.point_to_sec1
    RET r0
.end
