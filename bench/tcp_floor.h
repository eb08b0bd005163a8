/* tcp_floor.h: the peer net_bench measures single multiplications against
 * in the same run (issue 19): the same exchange over plain TCP sockets, no
 * TLS, no MPC.
 *
 * One single multiplication over TLS is one round: every party writes one
 * 114-byte TLS record (its shares of d and e) to each of the d+t parties
 * after it in the ring and goes on when it has 2t+1 shares, its own and
 * d+t from the parties before it (docs/network.md, "Waiting and holding
 * back").  The floor does exactly that with 114 plain bytes, and waits as
 * the transport does: it looks at its sockets for spin_us, yielding the
 * CPU, before it sleeps in epoll_wait.  What a round costs above the
 * floor is TLS and the engine; the floor itself is the machine's loopback
 * TCP and its scheduler, which on a shared 2-vCPU guest drift by half
 * from one minute to the next. */
#ifndef STOFFEL_BENCH_TCP_FLOOR_H
#define STOFFEL_BENCH_TCP_FLOOR_H

#include <netinet/tcp.h>
#include <sched.h>
#include <sys/epoll.h>
#include <time.h>

#include "bench_tls.h"

#define FLOOR_RECORD 114 /* bytes: one opening of d and e as a TLS record */
#define FLOOR_WARMUP 20  /* rounds before the timed ones, as LATENCY_WARMUP */
/* timed rounds at least: 300 rounds (12 ms) came out from 0.037 to 0.074
 * ms per round in runs a minute apart */
#define FLOOR_MIN_ROUNDS 2000

static int64_t floor_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Plain TCP from party id to every other: id connects to the lower ids
 * (saying who it is in 4 bytes) and accepts the higher ones on its roster
 * port.  fds[j] gets the socket to party j; 0 or -1. */
static int floor_connect(uint32_t id, uint32_t n, const Roster *r, int *fds)
{
    int one = 1, lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)atoi(r->nodes[id].port));
    if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, (int)n) != 0) {
        perror("floor: listen");
        return -1;
    }
    for (uint32_t j = 0; j < id; j++) {
        int s = socket(AF_INET, SOCK_STREAM, 0), tries = 0;
        a.sin_port = htons((uint16_t)atoi(r->nodes[j].port));
        while (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) != 0 && tries++ < 2000) usleep(1000);
        if (s < 0 || tries > 2000 || write(s, &id, sizeof id) != (ssize_t)sizeof id) {
            perror("floor: connect");
            return -1;
        }
        fds[j] = s;
    }
    for (uint32_t k = id + 1; k < n; k++) {
        uint32_t who;
        int s = accept(lfd, NULL, NULL);
        if (s < 0 || read(s, &who, sizeof who) != (ssize_t)sizeof who || who <= id || who >= n) {
            perror("floor: accept");
            return -1;
        }
        fds[who] = s;
    }
    close(lfd);
    for (uint32_t j = 0; j < n; j++)
        if (j != id) setsockopt(fds[j], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return 0;
}

/* rounds timed rounds (after FLOOR_WARMUP) of party id; *per_round gets
 * the seconds per round; 0 or -1. */
static int floor_rounds(uint32_t id, uint32_t n, uint32_t t, const Roster *r, int spin_us, int rounds,
                        double *per_round)
{
    int fds[BENCH_TLS_MAX_N], ep = epoll_create1(0);
    uint32_t ring = 2 * t; /* d+t parties, d = t: a Beaver opening */
    static uint8_t rbuf[1 << 16];
    long got[BENCH_TLS_MAX_N] = { 0 }; /* bytes from each ring party */
    uint8_t msg[FLOOR_RECORD];
    memset(msg, (int)id, sizeof msg);
    if (ep < 0 || floor_connect(id, n, r, fds) != 0) return -1;
    for (uint32_t k = 1; k <= ring; k++) {
        uint32_t j = (id + n - k) % n; /* the parties that send to id at once */
        struct epoll_event e = { .events = EPOLLIN, .data.u32 = j };
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[j], &e) != 0) return -1;
    }
    if (rounds < FLOOR_MIN_ROUNDS) rounds = FLOOR_MIN_ROUNDS;
    int64_t t0 = 0;
    for (int k = 0; k < FLOOR_WARMUP + rounds; k++) {
        if (k == FLOOR_WARMUP) t0 = floor_now_us();
        for (uint32_t i = 1; i <= ring; i++)
            if (write(fds[(id + i) % n], msg, sizeof msg) != (ssize_t)sizeof msg) return -1;
        int64_t until = floor_now_us() + spin_us;
        long need = (long)(k + 1) * FLOOR_RECORD;
        for (;;) {
            uint32_t have = 0;
            for (uint32_t i = 1; i <= ring; i++) have += got[(id + n - i) % n] >= need;
            if (have == ring) break;
            struct epoll_event ev[BENCH_TLS_MAX_N];
            int spinning = floor_now_us() < until;
            int m = epoll_wait(ep, ev, BENCH_TLS_MAX_N, spinning ? 0 : 30000);
            if (m < 0) return -1;
            if (m == 0 && spinning) sched_yield();
            if (m == 0 && !spinning) return -1; /* 30 s: a party is gone */
            for (int i = 0; i < m; i++) {
                uint32_t j = ev[i].data.u32;
                ssize_t b = read(fds[j], rbuf, sizeof rbuf);
                if (b < 0) return -1;
                if (b == 0) { /* j is done: fine if all its rounds are in */
                    if (got[j] < (long)(FLOOR_WARMUP + rounds) * FLOOR_RECORD) return -1;
                    epoll_ctl(ep, EPOLL_CTL_DEL, fds[j], NULL);
                }
                got[j] += b;
            }
        }
    }
    *per_round = (double)(floor_now_us() - t0) / 1e6 / rounds;
    for (uint32_t j = 0; j < n; j++)
        if (j != id) close(fds[j]);
    close(ep);
    return 0;
}

#endif
