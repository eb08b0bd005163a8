# Share.open is a method of the Share receiver type: a call with a clear int
# fails in method resolution, before any MPC work (spec §4.12).
# expect-error: Execution error in 'main': Method 'open' expected receiver type 'Share', got 'int64'
# expect-error: at main, instruction 2
.function main
    LDI r1, 5
    PUSHARG r1
    CALL Share.open
    RET r0
.end
