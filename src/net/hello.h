/* hello.h: the session hello, the first frame each way on a connection of
 * the TLS transport (tls.h):
 *
 *     STOFFEL-NET/2\n
 *     node <decimal node id>\n
 *     params <session parameters>\n
 *     program <program hash, or "-" from a client>\n
 *     nonce <64 hex digits: this node's random contribution to the run>\n
 *     inputs <see below>\n
 *     recv <decimal: data frames received from the peer so far>\n
 *
 * `inputs` lets a wrong input count fail before any MPC message: between
 * parties it is a hash of the input count of every client (the parties
 * must agree); from a party to client C it is the count the parties
 * expect from C; from a client it is the count it will send.  "-" means
 * "not checked" (from a party to a client: the party takes the count the
 * client declares, and the parties agree on it afterwards; docs/network.md
 * "Input counts without a manifest").  Version 2 added it; a version-1 hello is refused with a
 * version error instead of being read as one without the line.
 *
 * `recv` (optional, from this release on) is 0 on a first connection and,
 * when a lost connection is resumed, how many frames of the peer's stream
 * this side has: the peer resends from there (reconnect.h).  A peer whose
 * hello lacks it gets no control frames and its connection is not resumed.
 *
 * Parsed apart from the transport so the fuzzer (fuzz/fuzz_hello.c) links
 * it alone.  Every field is always a NUL-terminated string (empty when
 * absent), so nothing unset can reach a log line. */
#ifndef STOFFEL_NET_HELLO_H
#define STOFFEL_NET_HELLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_HELLO_MAX 4096
#define NET_HELLO_NONCE 32
#define NET_HELLO_VERSION "STOFFEL-NET/2"

typedef struct {
    char node[16], params[1024], program[200];
    char inputs[80];                                    /* "-", a decimal count, or 32 hex digits */
    char version[24];                                   /* -2 from net_hello_parse: the peer's magic line */
    bool has_node, has_params, has_program, has_inputs; /* present and short enough */
    bool has_nonce;                                     /* 64 hex digits decoded into nonce */
    uint8_t nonce[NET_HELLO_NONCE];
    int64_t node_id; /* -1 unless node is decimal digits < 2^32 */
    bool has_recv;   /* `recv` present: decimal digits below 2^63 */
    uint64_t recv;
} NetHello;

/* 0 if frame[0..len) is a hello (the magic line, no NUL byte, at most
 * NET_HELLO_MAX bytes); the fields are then filled as far as present.  -2
 * if it is a hello of another version (h->version holds its magic line,
 * printable characters only); -1 otherwise.  h is always initialised
 * (empty fields). */
int net_hello_parse(const uint8_t *frame, size_t len, NetHello *h);

/* The `inputs` value as a count: 0 and *count set if it is decimal digits
 * below 2^32, -1 otherwise ("-" or a hash). */
int net_hello_input_count(const NetHello *h, uint32_t *count);

#endif
