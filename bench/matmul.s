# 200x200 integer matrix multiply with arrays of arrays (8M inner steps),
# checksum = sum of all entries of C.  Peer: bench-peers/matmul.lua / .py.
# Expected checksum 93185100.
#
# As matmul.py, with 0-based arrays; the element values use the 1-based
# i and j of the Lua source: a[i][j] = (i+j) % 10, b[i][j] = (i*j) % 7.
# Array reads and writes go through get_field / set_field, rows are built
# with array_push.  Loop bounds are inclusive (CMP + JMPGT), as a compiler
# emits `for i = 0, n - 1`.
.function main
    LDI     r1, 199             # n - 1
    LDI     r11, 1              # step
    LDI     r12, 0
    CALL    create_array
    MOV     r2, r0              # a
    CALL    create_array
    MOV     r3, r0              # b
    CALL    create_array
    MOV     r4, r0              # c

    # for i = 0, n-1: build the rows
    LDI     r5, 0               # i
init_i:
    CMP     r5, r1
    JMPGT   init_done
    CALL    create_array
    MOV     r7, r0              # ai
    CALL    create_array
    MOV     r8, r0              # bi
    CALL    create_array
    MOV     r9, r0              # ci
    LDI     r6, 0               # j
init_j:
    CMP     r6, r1
    JMPGT   init_j_done
    ADD     r13, r5, r11        # i + 1 (the Lua i)
    ADD     r14, r6, r11        # j + 1 (the Lua j)
    ADD     r10, r13, r14
    LDI     r15, 10
    MOD     r10, r10, r15
    PUSHARG r7
    PUSHARG r10
    CALL    array_push          # ai[j] = (i + j) % 10
    MUL     r10, r13, r14
    LDI     r15, 7
    MOD     r10, r10, r15
    PUSHARG r8
    PUSHARG r10
    CALL    array_push          # bi[j] = (i * j) % 7
    PUSHARG r9
    PUSHARG r12
    CALL    array_push          # ci[j] = 0
    ADD     r6, r6, r11
    JMP     init_j
init_j_done:
    PUSHARG r2
    PUSHARG r7
    CALL    array_push
    PUSHARG r3
    PUSHARG r8
    CALL    array_push
    PUSHARG r4
    PUSHARG r9
    CALL    array_push
    ADD     r5, r5, r11
    JMP     init_i
init_done:

    # for i: ai = a[i]; ci = c[i]; for j: sum over k of ai[k] * b[k][j]
    LDI     r5, 0               # i
mul_i:
    CMP     r5, r1
    JMPGT   mul_done
    PUSHARG r2
    PUSHARG r5
    CALL    get_field
    MOV     r7, r0              # ai
    PUSHARG r4
    PUSHARG r5
    CALL    get_field
    MOV     r9, r0              # ci
    LDI     r6, 0               # j
mul_j:
    CMP     r6, r1
    JMPGT   mul_j_done
    LDI     r10, 0              # sum
    LDI     r8, 0               # k
mul_k:
    CMP     r8, r1
    JMPGT   mul_k_done
    PUSHARG r7
    PUSHARG r8
    CALL    get_field
    MOV     r13, r0             # ai[k]
    PUSHARG r3
    PUSHARG r8
    CALL    get_field           # b[k]
    PUSHARG r0
    PUSHARG r6
    CALL    get_field           # b[k][j]
    MUL     r13, r13, r0
    ADD     r10, r10, r13
    ADD     r8, r8, r11
    JMP     mul_k
mul_k_done:
    PUSHARG r9
    PUSHARG r6
    PUSHARG r10
    CALL    set_field           # ci[j] = sum
    ADD     r6, r6, r11
    JMP     mul_j
mul_j_done:
    ADD     r5, r5, r11
    JMP     mul_i
mul_done:

    # total = sum of c[i][j]
    LDI     r10, 0              # total
    LDI     r5, 0               # i
sum_i:
    CMP     r5, r1
    JMPGT   sum_done
    LDI     r6, 0               # j
sum_j:
    CMP     r6, r1
    JMPGT   sum_j_done
    PUSHARG r4
    PUSHARG r5
    CALL    get_field           # c[i]
    PUSHARG r0
    PUSHARG r6
    CALL    get_field           # c[i][j]
    ADD     r10, r10, r0
    ADD     r6, r6, r11
    JMP     sum_j
sum_j_done:
    ADD     r5, r5, r11
    JMP     sum_i
sum_done:

    # assert(total == 93185100, ...)
    LDI     r13, 93185100
    CMP     r10, r13
    JMPEQ   ok_t
    LDI     r14, false
    JMP     ok_j
ok_t:
    LDI     r14, true
ok_j:
    PUSHARG r14
    LDI     r15, "matmul: wrong checksum (expected 93185100)"
    PUSHARG r15
    CALL    assert
    PUSHARG r10
    CALL    print
    RET     r10
.end
