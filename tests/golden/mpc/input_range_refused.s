# A client input outside the range of its declared type is refused before
# the program runs, naming the client and the input (issue 20 item 1: an
# out-of-range input leaks other inputs through truncation).
# args: main --local-mpc --n-parties 4 --threshold 1 --inputs 5,128
# expect-error: client 1 (node 5) input 0: refused, the value is outside [-128, 127]
.version 2
.client 0 inputs=int:8
.client 1 inputs=int:8
.function main
    LDI r1, 0
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0
    RET r16
.end
