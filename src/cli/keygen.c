/* stoffel-keygen: make a node's key pair and certificate for a networked
 * session, and print its roster line (docs/network.md).
 *
 *   stoffel-keygen --key FILE --cert FILE --party I --addr HOST:PORT
 *   stoffel-keygen --key FILE --cert FILE --client C
 *   stoffel-keygen --key-id CERT          print the key id of a certificate
 *
 * The key is Ed25519 (PKCS#8 PEM, mode 0600, never overwritten; --der
 * writes both files in DER, as upstream's node<i>.key.der); the
 * certificate is self-signed and only carries the public key: peers are
 * pinned by the SHA-256 of its SubjectPublicKeyInfo, the "key id" the
 * roster lists.  Exit codes: 0 ok, 1 usage, 2 failure. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stoffel.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: stoffel-keygen --key FILE --cert FILE (--party I --addr HOST:PORT | --client C) [--der]\n"
                 "       stoffel-keygen --key-id CERT\n"
                 "Writes an Ed25519 key and a self-signed certificate for one node of a\n"
                 "networked session and prints its roster line, e.g.\n"
                 "  party 0 127.0.0.1:9001 <key id>\n"
                 "Collect the lines of every node into the session's roster file.\n"
                 "  --der                   write key and certificate in DER (PKCS#8, X.509) instead\n"
                 "                          of PEM; stoffel-run reads either\n"
                 "  --version               print the version\n"
                 "  -h, --help              this text\n");
}

static bool index_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 4) return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

int main(int argc, char **argv)
{
    const char *key = NULL, *cert = NULL, *party = NULL, *client = NULL, *addr = NULL, *show = NULL;
    bool der = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--der") == 0) {
            der = true;
            continue;
        }
        const char **slot = strcmp(a, "--key") == 0      ? &key
                            : strcmp(a, "--cert") == 0   ? &cert
                            : strcmp(a, "--party") == 0  ? &party
                            : strcmp(a, "--client") == 0 ? &client
                            : strcmp(a, "--addr") == 0   ? &addr
                            : strcmp(a, "--key-id") == 0 ? &show
                                                         : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--version") == 0) {
            printf("stoffel-keygen %s\n", STOFFEL_VERSION_STRING);
            return 0;
        }
        if (!slot) {
            fprintf(stderr, "Error: unknown argument '%s'\n", a);
            usage(stderr);
            return 1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "Error: %s needs a value\n", a);
            return 1;
        }
        *slot = argv[++i];
    }
    char hex[65], *err = NULL;
    if (show) {
        if (stoffel_net_cert_key_id(show, hex, &err) != STOFFEL_OK) {
            fprintf(stderr, "Error: %s\n", err ? err : "out of memory");
            stoffel_free_text(err);
            return 2;
        }
        printf("%s\n", hex);
        return 0;
    }
    if (!key || !cert || (!party == !client)) {
        usage(stderr);
        return 1;
    }
    if (!index_ok(party ? party : client)) {
        fprintf(stderr, "Error: the node index must be a number 0..9999, got '%s'\n", party ? party : client);
        return 1;
    }
    if (party && (!addr || !strchr(addr, ':') || strchr(addr, ' '))) {
        fprintf(stderr, "Error: a party needs --addr HOST:PORT (where it listens)\n");
        return 1;
    }
    if (client && addr) {
        fprintf(stderr, "Error: a client listens nowhere; drop --addr\n");
        return 1;
    }
    char cn[64];
    snprintf(cn, sizeof cn, "stoffel %s %s", party ? "party" : "client", party ? party : client);
    if (stoffel_net_keygen_as(key, cert, cn, der, hex, &err) != STOFFEL_OK) {
        fprintf(stderr, "Error: %s\n", err ? err : "out of memory");
        stoffel_free_text(err);
        return 2;
    }
    if (party)
        printf("party %s %s %s\n", party, addr, hex);
    else
        printf("client %s %s\n", client, hex);
    return 0;
}
