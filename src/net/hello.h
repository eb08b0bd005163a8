/* hello.h: the session hello, the first frame each way on a connection of
 * the TLS transport (tls.h):
 *
 *     STOFFEL-NET/1\n
 *     node <decimal node id>\n
 *     params <session parameters>\n
 *     program <program hash, or "-" from a client>\n
 *     nonce <64 hex digits: this node's random contribution to the run>\n
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

typedef struct {
    char node[16], params[1024], program[200];
    bool has_node, has_params, has_program; /* present and short enough */
    bool has_nonce;                         /* 64 hex digits decoded into nonce */
    uint8_t nonce[NET_HELLO_NONCE];
    int64_t node_id; /* -1 unless node is decimal digits < 2^32 */
} NetHello;

/* 0 if frame[0..len) is a hello (the magic line, no NUL byte, at most
 * NET_HELLO_MAX bytes); the fields are then filled as far as present.  -1
 * otherwise (h is still initialised: empty fields). */
int net_hello_parse(const uint8_t *frame, size_t len, NetHello *h);

#endif
