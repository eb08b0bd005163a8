# Run 2: loads the shares of store_shares.s, prints their types and opens them.
.function main
    LDI r5, "int-share"
    PUSHARG r5
    CALL LocalStorage.load_share
    MOV r4, r0
    PUSHARG r4
    CALL Share.get_type
    PUSHARG r0
    CALL print
    PUSHARG r4
    CALL Share.open
    PUSHARG r0
    CALL print
    LDI r5, "fixed-share"
    PUSHARG r5
    CALL LocalStorage.load
    MOV r4, r0
    PUSHARG r4
    CALL Share.get_type
    PUSHARG r0
    CALL print
    PUSHARG r4
    CALL Share.open
    RET r0
.end
