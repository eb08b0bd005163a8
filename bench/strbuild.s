# 100k string pieces "k" .. i .. "=" .. (2i) .. ";" built with to_string and
# ADD (string concatenation), pushed to an array, then joined.
# Peer: bench-peers/strbuild.lua / strbuild.py.  Expected length 1333345.
#
#   parts = []
#   for i in range(1, 100001): parts.append("k" + str(i) + "=" + str(i * 2) + ";")
#   s = "".join(parts)
#   print(len(s))
#
# There is no join builtin, so `join` below concatenates neighbours pairwise
# (log2(100k) = 17 passes over the array, each copying the text once).
# Repeated s = s + piece would copy O(n^2) bytes.

# join(parts): concatenation of all strings in parts (parts is reused as
# scratch space).
.function join params=parts
    MOV     r1, r0              # parts
    PUSHARG r1
    CALL    array_length
    MOV     r2, r0              # m = number of live pieces
    LDI     r3, 1
    LDI     r4, 2
    LDI     r9, 0
    CMP     r2, r9
    JMPEQ   empty
outer:
    CMP     r2, r3
    JMPGT   pass                # m > 1: one more pass
    PUSHARG r1
    PUSHARG r9
    CALL    get_field           # parts[0]
    RET     r0
pass:
    LDI     r5, 0               # k: destination index
    LDI     r6, 0               # s: source index
inner:
    ADD     r7, r6, r3          # s + 1
    CMP     r7, r2
    JMPLT   pair                # s + 1 < m
    CMP     r6, r2
    JMPLT   single              # s < m: odd piece out
    JMP     pass_done
pair:
    PUSHARG r1
    PUSHARG r6
    CALL    get_field
    MOV     r8, r0              # parts[s]
    PUSHARG r1
    PUSHARG r7
    CALL    get_field           # parts[s + 1]
    ADD     r8, r8, r0
    PUSHARG r1
    PUSHARG r5
    PUSHARG r8
    CALL    set_field           # parts[k] = parts[s] + parts[s + 1]
    ADD     r6, r6, r4
    ADD     r5, r5, r3
    JMP     inner
single:
    PUSHARG r1
    PUSHARG r6
    CALL    get_field
    MOV     r8, r0
    PUSHARG r1
    PUSHARG r5
    PUSHARG r8
    CALL    set_field           # parts[k] = parts[s]
    ADD     r5, r5, r3
pass_done:
    MOV     r2, r5              # m = k
    JMP     outer
empty:
    LDI     r0, ""
    RET     r0
.end

.function main
    CALL    create_array
    MOV     r1, r0              # parts
    LDI     r2, 1               # i
    LDI     r3, 100000          # loop limit
    LDI     r4, 1               # step
loop:
    CMP     r2, r3
    JMPGT   done
    LDI     r5, "k"
    PUSHARG r2
    CALL    to_string
    ADD     r5, r5, r0          # "k" .. i
    LDI     r6, "="
    ADD     r5, r5, r6          # .. "="
    LDI     r6, 2
    MUL     r6, r2, r6
    PUSHARG r6
    CALL    to_string
    ADD     r5, r5, r0          # .. (i * 2)
    LDI     r6, ";"
    ADD     r5, r5, r6          # .. ";"
    PUSHARG r1
    PUSHARG r5
    CALL    array_push
    ADD     r2, r2, r4
    JMP     loop
done:
    PUSHARG r1
    CALL    join
    PUSHARG r0
    CALL    array_length        # length of the joined string
    MOV     r7, r0
    # assert(len == 1333345, ...)
    LDI     r8, 1333345
    CMP     r7, r8
    JMPEQ   ok_t
    LDI     r9, false
    JMP     ok_j
ok_t:
    LDI     r9, true
ok_j:
    PUSHARG r9
    LDI     r10, "strbuild: wrong length (expected 1333345)"
    PUSHARG r10
    CALL    assert
    PUSHARG r7
    CALL    print
    RET     r7
.end
