/* bench_tls.h: a throw-away TLS session on loopback for the benchmarks
 * (net_bench.c, rbc_bench.c): keys in a temporary directory, a roster
 * with free ports, one forked process per party. */
#ifndef STOFFEL_BENCH_TLS_H
#define STOFFEL_BENCH_TLS_H

#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/roster.h"
#include "net/tls.h"

#define BENCH_TLS_MAX_N 31

/* TlsNetConfig.spin_us for every party (net_bench --spin-us): 0 is the
 * transport's default. */
static int bench_tls_spin_us;

/* A loopback port that is free now, other than the n in taken.  Tried first
 * below the kernel's ephemeral range (32768 and up on Linux): with 31
 * parties, hundreds of outgoing connections take ephemeral source ports,
 * and one of them can take a party's listening port before it binds. */
static int bench_free_port(const int *taken, uint32_t n)
{
    for (int attempt = 0; attempt < 200; attempt++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) return -1;
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (attempt < 64) a.sin_port = htons((uint16_t)(20000 + randombytes_uniform(12000)));
        socklen_t l = sizeof a;
        int ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &l) == 0;
        close(fd);
        int port = ok ? ntohs(a.sin_port) : -1;
        for (uint32_t i = 0; ok && i < n; i++)
            if (taken[i] == port) ok = 0;
        if (ok) return port;
    }
    return -1;
}

/* Party id's transport, connected to every other party; NULL on failure
 * (printed). */
static Transport *bench_tls_connect(uint32_t id, const char *dir, const Roster *r)
{
    char key[600], cert[600], err[2048];
    snprintf(key, sizeof key, "%s/p%u.key", dir, id);
    snprintf(cert, sizeof cert, "%s/p%u.crt", dir, id);
    TlsNetConfig tc = {
        .roster = r,
        .self = id,
        .key_path = key,
        .cert_path = cert,
        .params = "bench",
        .program = "bench",
        .spin_us = bench_tls_spin_us,
    };
    Transport *tr = tls_transport_new(&tc, err, sizeof err);
    if (!tr || tls_transport_wait_peers(tr, false, 20000, err, sizeof err) != 0) {
        fprintf(stderr, "party %u: %s\n", id, err);
        return NULL;
    }
    return tr;
}

/* Keys and roster for n parties in a new temporary directory (dir gets
 * its path); 0 or -1. */
static int bench_tls_setup(uint32_t n, char dir[64], Roster *r)
{
    snprintf(dir, 64, "/tmp/stoffel-bench-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return -1;
    }
    char text[16384], err[1024];
    int ports[BENCH_TLS_MAX_N];
    size_t k = 0;
    if (n > BENCH_TLS_MAX_N || sodium_init() < 0) return -1;
    for (uint32_t i = 0; i < n; i++) {
        char key[600], cert[600], hex[65];
        uint8_t id[NET_KEY_ID_LEN];
        snprintf(key, sizeof key, "%s/p%u.key", dir, i);
        snprintf(cert, sizeof cert, "%s/p%u.crt", dir, i);
        if (tls_keygen(key, cert, "bench", id, err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            return -1;
        }
        net_hex(id, sizeof id, hex);
        ports[i] = bench_free_port(ports, i);
        k += (size_t)snprintf(text + k, sizeof text - k, "party %u 127.0.0.1:%d %s\n", i, ports[i], hex);
    }
    if (roster_parse(text, k, r, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

/* Runs fn(id, dir, r, ud) in one process per party; 0 if all exited 0.
 * *peak_rss (if not NULL): the largest party's peak resident bytes.
 * Removes the keys and the directory. */
static int bench_tls_run(uint32_t n, const char *dir, const Roster *r,
                         int (*fn)(uint32_t id, const char *dir, const Roster *r, void *ud), void *ud, double *peak_rss)
{
    fflush(stdout);
    pid_t pids[BENCH_TLS_MAX_N];
    for (uint32_t i = 0; i < n; i++) {
        pids[i] = fork();
        if (pids[i] == 0) _exit(fn(i, dir, r, ud));
    }
    int bad = 0;
    if (peak_rss) *peak_rss = 0;
    for (uint32_t i = 0; i < n; i++) {
        int st;
        struct rusage ru;
        if (wait4(pids[i], &st, 0, &ru) < 0) {
            bad = 1;
            continue;
        }
        bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
        if (peak_rss && (double)ru.ru_maxrss * 1024.0 > *peak_rss) *peak_rss = (double)ru.ru_maxrss * 1024.0;
    }
    for (uint32_t i = 0; i < n; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/p%u.key", dir, i);
        unlink(p);
        snprintf(p, sizeof p, "%s/p%u.crt", dir, i);
        unlink(p);
    }
    rmdir(dir);
    return bad;
}

#endif
