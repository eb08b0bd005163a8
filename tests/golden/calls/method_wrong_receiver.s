# A registered method (Share.add) checks the receiver's runtime type
# (spec §4.12).
# expect-error: Execution error in 'main': Method 'add' expected receiver type 'Share', got 'int64'
# expect-error: at main, instruction 3
.function main
    LDI r1, 1
    PUSHARG r1
    PUSHARG r1
    CALL Share.add
    RET r0
.end
