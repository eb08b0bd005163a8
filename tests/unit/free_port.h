/* free_port.h: a free loopback TCP port for the unit tests that run the
 * TLS transport (bound then released), so tests running side by side do
 * not collide.  Chosen at random below the kernel's ephemeral range
 * (ip_local_port_range: 32768 and up by default): a port the kernel hands
 * out could become the source port of another test's outgoing connection
 * before this test listens on it (seen in CI: "cannot listen on
 * 127.0.0.1:51441: Address already in use"). */
#ifndef STOFFEL_TEST_FREE_PORT_H
#define STOFFEL_TEST_FREE_PORT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

static inline int free_port(void)
{
    /* the last tries let the kernel choose, should the low range be full */
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) return -1;
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        if (attempt < 90) a.sin_port = htons((uint16_t)(20000 + randombytes_uniform(12000)));
        socklen_t len = sizeof a;
        int port = -1;
        if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
            port = ntohs(a.sin_port);
        close(fd);
        if (port > 0) return port;
    }
    return -1;
}

#endif
