# 100k string pieces "k" .. i .. "=" .. (2i) .. ";" built with to_string and
# ADD (string concatenation), pushed to an array, then joined.
# Peer: bench-peers/strbuild.lua / strbuild.py.  Expected length 1333345.
#
#   parts = []
#   for i in range(1, 100001): parts.append("k" + str(i) + "=" + str(i * 2) + ";")
#   s = "".join(parts)
#   print(len(s))
#
# The pieces are joined once with String.join, as Lua's table.concat does.

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
    LDI     r10, ""
    PUSHARG r10
    CALL    String.join
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
