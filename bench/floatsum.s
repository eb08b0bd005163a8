# Float twin of arraysum (no peer program; not in bench/run.py): push 10M
# floats 1.0 .. 10000000.0, then sum them by index with get_field.  Shows
# the packed float arrays (8 bytes an element); measure with
#   python3 bench/pair_cpu.py 5 "OLD/stoffel-run bench/floatsum.s" "build/stoffel-run bench/floatsum.s"
# Expected sum 50000005000000 (exact in a double).
.function main
    CALL    create_array
    MOV     r1, r0
    LDI     r2, 1.0
    LDI     r3, 10000000.0
    LDI     r4, 1.0
    LDI     r9, 1
push:
    CMP     r2, r3
    JMPGT   pushed
    PUSHARG r1
    PUSHARG r2
    CALL    array_push
    ADD     r2, r2, r4
    JMP     push
pushed:
    PUSHARG r1
    CALL    array_length
    SUB     r5, r0, r9
    LDI     r6, 0.0
    LDI     r2, 0
sum:
    CMP     r2, r5
    JMPGT   done
    PUSHARG r1
    PUSHARG r2
    CALL    get_field
    ADD     r6, r6, r0
    ADD     r2, r2, r9
    JMP     sum
done:
    LDI     r7, 50000005000000.0
    CMP     r6, r7
    JMPEQ   ok_t
    LDI     r8, false
    JMP     ok_j
ok_t:
    LDI     r8, true
ok_j:
    PUSHARG r8
    LDI     r10, "floatsum: wrong sum (expected 50000005000000)"
    PUSHARG r10
    CALL    assert
    PUSHARG r6
    CALL    print
    RET     r6
.end
