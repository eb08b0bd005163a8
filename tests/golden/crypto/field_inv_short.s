# A field element shorter than 32 bytes is upstream's deserialization error.
# expect-error: deserialize field element: I/O error: Error { kind: UnexpectedEof, message: "failed to fill whole buffer" }
.function main
    LDI r1, "abc"
    PUSHARG r1
    CALL Bytes.from_string
    LDI r3, "bn254"
    PUSHARG r0
    PUSHARG r3
    CALL Crypto.field_inv
    RET r0
.end
