/* compare_select.c: selection by a secret bit and the log-depth
 * arg-extreme tree built on comparisons (compare.h, docs/builtins.md
 * "Share.select", "Share.argmax"). */
#include "mpc/compare.h"
#include "mpc/compare_internal.h"
#include "mpc/engine_internal.h"

int mpc_select(MpcEngine *e, const Fe *c, const Fe *a, const Fe *b, size_t n, Fe *out)
{
    const Field *f = e->f;
    Fe *d = zalloc(n, sizeof(Fe));
    if (!d) return mpc_fail(e, "out of memory");
    for (size_t i = 0; i < n; i++) fe_sub(f, &d[i], &a[i], &b[i]);
    int rc = mpc_round(e, NULL, 0, NULL, c, d, n, d);
    for (size_t i = 0; rc == 0 && i < n; i++) fe_add(f, &out[i], &b[i], &d[i]);
    wipe_free(d, n);
    return rc;
}

int mpc_arg_extreme(MpcEngine *e, const Fe *v, size_t n, unsigned k, bool want_max, Fe *index, Fe *best)
{
    const Field *f = e->f;
    if (n == 0) return mpc_fail(e, "mpc_arg_extreme: no values");
    size_t cap = 2 * n;
    Fe *val = zalloc(n, sizeof(Fe)), *idx = zalloc(n, sizeof(Fe));
    Fe *c = zalloc(n, sizeof(Fe)), *lo = zalloc(n, sizeof(Fe)), *hi = zalloc(n, sizeof(Fe));
    Fe *sc = zalloc(cap, sizeof(Fe)), *sa = zalloc(cap, sizeof(Fe)), *sb = zalloc(cap, sizeof(Fe));
    int rc = (val && idx && c && lo && hi && sc && sa && sb) ? 0 : mpc_fail(e, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        val[i] = v[i];
        fe_from_u64(f, &idx[i], i);
    }
    size_t len = n;
    while (rc == 0 && len > 1) {
        size_t h = len / 2;
        for (size_t j = 0; j < h; j++) {
            lo[j] = val[2 * j];
            hi[j] = val[2 * j + 1];
        }
        /* take the later one only if strictly better: ties keep the lower index */
        rc = want_max ? mpc_compare(e, MPC_CMP_LT, lo, hi, h, k, c) : mpc_compare(e, MPC_CMP_LT, hi, lo, h, k, c);
        for (size_t j = 0; rc == 0 && j < h; j++) {
            sc[j] = sc[h + j] = c[j];
            sa[j] = val[2 * j + 1], sb[j] = val[2 * j];
            sa[h + j] = idx[2 * j + 1], sb[h + j] = idx[2 * j];
        }
        if (rc == 0) rc = mpc_select(e, sc, sa, sb, 2 * h, sa);
        for (size_t j = 0; rc == 0 && j < h; j++) {
            val[j] = sa[j];
            idx[j] = sa[h + j];
        }
        if (rc == 0 && len % 2) {
            val[h] = val[len - 1];
            idx[h] = idx[len - 1];
        }
        len = h + len % 2;
    }
    if (rc == 0) {
        if (index) *index = idx[0];
        if (best) *best = val[0];
    }
    wipe_free(val, n);
    wipe_free(idx, n);
    wipe_free(c, n);
    wipe_free(lo, n);
    wipe_free(hi, n);
    wipe_free(sc, cap);
    wipe_free(sa, cap);
    wipe_free(sb, cap);
    return rc;
}
