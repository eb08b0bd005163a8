# Sealed-bid auction: every client (a bidder) submits one secret bid; the
# parties find the highest bid and its bidder on secret shares and open
# only those two values.  The losing bids stay secret, even from the
# parties.  Ties go to the lowest client index.
#
#   build/stoffel-run examples/sealed_bid_auction.s --local-mpc --n-parties 4 \
#       --inputs 30,70,50,10
#   Program returned: [1, 70]
#
# Share.argmax is a tournament of batched comparisons (about 6 rounds per
# level for 64-bit values, log2(bidders) levels); the highest bid is a chain
# of Share.max (one comparison and one selection per further bid).
# Share.open reveals one value (1 round).  --stats shows what it cost.
.function main regs=20
    CALL ClientStore.get_number_clients
    MOV r5, r0              # number of bidders
    LDI r1, 0               # client index
    LDI r2, 0               # input index: one bid per client
    LDI r3, 1
    CALL create_array
    MOV r6, r0              # the bids, secret shares
next_bid:
    CMP r1, r5
    JMPEQ decide
    PUSHARG r1
    PUSHARG r2
    CALL ClientStore.take_share
    PUSHARG r6
    PUSHARG r0
    CALL array_push
    ADD r1, r1, r3
    JMP next_bid
decide:
    PUSHARG r6
    CALL Share.argmax
    PUSHARG r0
    CALL Share.open
    MOV r7, r0              # the winner's index, opened
    LDI r1, 0
    PUSHARG r6
    PUSHARG r1
    CALL get_field
    MOV r16, r0             # highest so far: bid 0
    LDI r1, 1
highest:
    CMP r1, r5
    JMPEQ done
    PUSHARG r6
    PUSHARG r1
    CALL get_field
    PUSHARG r16
    PUSHARG r0
    CALL Share.max
    MOV r16, r0
    ADD r1, r1, r3
    JMP highest
done:
    PUSHARG r16
    CALL Share.open
    MOV r8, r0              # the winning bid, opened
    CALL create_array
    MOV r9, r0
    PUSHARG r9
    PUSHARG r7
    CALL array_push
    PUSHARG r9
    PUSHARG r8
    CALL array_push
    RET r9
.end
