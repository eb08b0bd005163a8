/* sw_point.h: a template for a prime-order group on a short Weierstrass
 * curve y^2 = x^3 + b (a = 0) in homogeneous projective coordinates
 * (X:Y:Z) ~ (X/Z, Y/Z), identity (0:1:0).
 *
 * Addition and doubling are the complete formulas of Renes, Costello and
 * Batina (eprint 2015/1060, algorithms 7 and 9): one formula for every
 * input, the identity and P + P included, so there are no special cases to
 * branch on.  Scalar multiplication by a secret scalar uses a fixed 4-bit
 * window over all 256 bits with a table read that touches every entry.
 *
 * The including file defines, then includes this file (it may be included
 * several times with different definitions):
 *   SW_F               the field element type
 *   SW_P               the point type name to define
 *   SW_FN(name)        the name of a function of this instance
 *   SW_ADD/SUB/MUL(r,a,b), SW_SQR(r,a), SW_NEG(r,a), SW_INV(r,a)
 *   SW_MUL_B3(r,a)     r = 3b·a
 *   SW_CMOV(r,a,b,c)   r = c ? b : a
 *   SW_IS_ZERO(a), SW_EQ(a,b)     0/1, constant time
 *   SW_SET_ZERO(r), SW_SET_ONE(r), SW_B (a const SW_F * to b) */

typedef struct {
    SW_F X, Y, Z;
} SW_P;

static inline void SW_FN(identity)(SW_P *r)
{
    SW_SET_ZERO(&r->X);
    SW_SET_ONE(&r->Y);
    SW_SET_ZERO(&r->Z);
}

static inline void SW_FN(from_affine)(SW_P *r, const SW_F *x, const SW_F *y)
{
    r->X = *x;
    r->Y = *y;
    SW_SET_ONE(&r->Z);
}

/* Algorithm 7: 12M + 2·m3b. */
static inline void SW_FN(add)(SW_P *r, const SW_P *p, const SW_P *q)
{
    SW_F t0, t1, t2, t3, t4, X3, Y3, Z3;
    SW_MUL(&t0, &p->X, &q->X);
    SW_MUL(&t1, &p->Y, &q->Y);
    SW_MUL(&t2, &p->Z, &q->Z);
    SW_ADD(&t3, &p->X, &p->Y);
    SW_ADD(&t4, &q->X, &q->Y);
    SW_MUL(&t3, &t3, &t4);
    SW_ADD(&t4, &t0, &t1);
    SW_SUB(&t3, &t3, &t4);
    SW_ADD(&t4, &p->Y, &p->Z);
    SW_ADD(&X3, &q->Y, &q->Z);
    SW_MUL(&t4, &t4, &X3);
    SW_ADD(&X3, &t1, &t2);
    SW_SUB(&t4, &t4, &X3);
    SW_ADD(&X3, &p->X, &p->Z);
    SW_ADD(&Y3, &q->X, &q->Z);
    SW_MUL(&X3, &X3, &Y3);
    SW_ADD(&Y3, &t0, &t2);
    SW_SUB(&Y3, &X3, &Y3);
    SW_ADD(&X3, &t0, &t0);
    SW_ADD(&t0, &X3, &t0);
    SW_MUL_B3(&t2, &t2);
    SW_ADD(&Z3, &t1, &t2);
    SW_SUB(&t1, &t1, &t2);
    SW_MUL_B3(&Y3, &Y3);
    SW_MUL(&X3, &t4, &Y3);
    SW_MUL(&t2, &t3, &t1);
    SW_SUB(&X3, &t2, &X3);
    SW_MUL(&Y3, &Y3, &t0);
    SW_MUL(&t1, &t1, &Z3);
    SW_ADD(&Y3, &t1, &Y3);
    SW_MUL(&t0, &t0, &t3);
    SW_MUL(&Z3, &Z3, &t4);
    SW_ADD(&Z3, &Z3, &t0);
    r->X = X3;
    r->Y = Y3;
    r->Z = Z3;
}

/* Algorithm 9: 6M + 2S + 1·m3b. */
static inline void SW_FN(dbl)(SW_P *r, const SW_P *p)
{
    SW_F t0, t1, t2, X3, Y3, Z3;
    SW_SQR(&t0, &p->Y);
    SW_ADD(&Z3, &t0, &t0);
    SW_ADD(&Z3, &Z3, &Z3);
    SW_ADD(&Z3, &Z3, &Z3);
    SW_MUL(&t1, &p->Y, &p->Z);
    SW_SQR(&t2, &p->Z);
    SW_MUL_B3(&t2, &t2);
    SW_MUL(&X3, &t2, &Z3);
    SW_ADD(&Y3, &t0, &t2);
    SW_MUL(&Z3, &t1, &Z3);
    SW_ADD(&t1, &t2, &t2);
    SW_ADD(&t2, &t1, &t2);
    SW_SUB(&t0, &t0, &t2);
    SW_MUL(&Y3, &t0, &Y3);
    SW_ADD(&Y3, &X3, &Y3);
    SW_MUL(&t1, &p->X, &p->Y);
    SW_MUL(&X3, &t0, &t1);
    SW_ADD(&X3, &X3, &X3);
    r->X = X3;
    r->Y = Y3;
    r->Z = Z3;
}

static inline void SW_FN(neg)(SW_P *r, const SW_P *p)
{
    r->X = p->X;
    SW_NEG(&r->Y, &p->Y);
    r->Z = p->Z;
}

static inline void SW_FN(cmov)(SW_P *r, const SW_P *a, const SW_P *b, int c)
{
    SW_CMOV(&r->X, &a->X, &b->X, c);
    SW_CMOV(&r->Y, &a->Y, &b->Y, c);
    SW_CMOV(&r->Z, &a->Z, &b->Z, c);
}

static inline int SW_FN(is_identity)(const SW_P *p) { return SW_IS_ZERO(&p->Z); }

/* X1·Z2 = X2·Z1 and Y1·Z2 = Y2·Z1 (the identity equals only itself). */
static inline int SW_FN(equal)(const SW_P *p, const SW_P *q)
{
    SW_F a, b, c, d;
    SW_MUL(&a, &p->X, &q->Z);
    SW_MUL(&b, &q->X, &p->Z);
    SW_MUL(&c, &p->Y, &q->Z);
    SW_MUL(&d, &q->Y, &p->Z);
    return SW_EQ(&a, &b) & SW_EQ(&c, &d);
}

/* Affine coordinates; (0, 0) for the identity. */
static inline void SW_FN(to_affine)(SW_F *x, SW_F *y, const SW_P *p)
{
    SW_F zi;
    SW_INV(&zi, &p->Z);
    SW_MUL(x, &p->X, &zi);
    SW_MUL(y, &p->Y, &zi);
}

/* y^2 = x^3 + b for an affine point. */
static inline int SW_FN(affine_on_curve)(const SW_F *x, const SW_F *y)
{
    SW_F l, r;
    SW_SQR(&l, y);
    SW_SQR(&r, x);
    SW_MUL(&r, &r, x);
    SW_ADD(&r, &r, SW_B);
    return SW_EQ(&l, &r);
}

/* r = table[nib] (nib < 16), reading every entry: no index depends on nib. */
static inline void SW_FN(select)(SW_P *r, const SW_P table[16], unsigned nib)
{
    SW_FN(identity)(r);
    for (unsigned i = 1; i < 16; i++) {
        unsigned diff = i ^ nib;
        SW_FN(cmov)(r, r, &table[i], (int)(((diff - 1) >> 8) & 1)); /* 1 iff diff == 0 */
    }
}

/* r = k·p, k a 32-byte little-endian integer, constant time in k and p:
 * 64 windows of 4 bits from the top, every window does 4 doublings and one
 * addition of a table entry read by scanning the whole table. */
static inline void SW_FN(mul_ct)(SW_P *r, const SW_P *p, const uint8_t k[32])
{
    SW_P table[16], acc, sel;
    SW_FN(identity)(&table[0]);
    table[1] = *p;
    for (int i = 2; i < 16; i++) SW_FN(add)(&table[i], &table[i - 1], p);
    SW_FN(identity)(&acc);
    for (int w = 63; w >= 0; w--) {
        unsigned nib = (k[w / 2] >> (4 * (w & 1))) & 15;
        for (int d = 0; d < 4; d++) SW_FN(dbl)(&acc, &acc);
        SW_FN(select)(&sel, table, nib);
        SW_FN(add)(&acc, &acc, &sel);
    }
    *r = acc;
}

/* Jacobian coordinates (X:Y:Z) ~ (X/Z², Y/Z³), identity Z = 0, for the
 * variable-time multiplication only: a doubling is 2M + 5S (dbl-2009-l)
 * where the complete projective one is 6M + 2S, and public points may take
 * the special cases by branches. */
static inline void SW_FN(jdbl)(SW_P *r, const SW_P *p)
{
    SW_F A, B, C, D, E, F, t, Z3;
    SW_SQR(&A, &p->X);
    SW_SQR(&B, &p->Y);
    SW_SQR(&C, &B);
    SW_ADD(&t, &p->X, &B);
    SW_SQR(&t, &t);
    SW_SUB(&t, &t, &A);
    SW_SUB(&t, &t, &C);
    SW_ADD(&D, &t, &t);
    SW_ADD(&E, &A, &A);
    SW_ADD(&E, &E, &A);
    SW_SQR(&F, &E);
    SW_MUL(&Z3, &p->Y, &p->Z);
    SW_ADD(&r->Z, &Z3, &Z3);
    SW_SUB(&r->X, &F, &D);
    SW_SUB(&r->X, &r->X, &D);
    SW_SUB(&t, &D, &r->X);
    SW_MUL(&t, &E, &t);
    SW_ADD(&C, &C, &C);
    SW_ADD(&C, &C, &C);
    SW_ADD(&C, &C, &C);
    SW_SUB(&r->Y, &t, &C);
}

/* add-2007-bl, with the cases the formula misses (identity, P = ±Q). */
static inline void SW_FN(jadd)(SW_P *r, const SW_P *p, const SW_P *q)
{
    if (SW_IS_ZERO(&p->Z)) {
        *r = *q;
        return;
    }
    if (SW_IS_ZERO(&q->Z)) {
        *r = *p;
        return;
    }
    SW_F z1z1, z2z2, u1, u2, s1, s2, h, rr, i, j, v, t;
    SW_SQR(&z1z1, &p->Z);
    SW_SQR(&z2z2, &q->Z);
    SW_MUL(&u1, &p->X, &z2z2);
    SW_MUL(&u2, &q->X, &z1z1);
    SW_MUL(&s1, &p->Y, &q->Z);
    SW_MUL(&s1, &s1, &z2z2);
    SW_MUL(&s2, &q->Y, &p->Z);
    SW_MUL(&s2, &s2, &z1z1);
    SW_SUB(&h, &u2, &u1);
    SW_SUB(&rr, &s2, &s1);
    if (SW_IS_ZERO(&h)) {
        if (SW_IS_ZERO(&rr)) {
            SW_FN(jdbl)(r, p);
        } else {
            SW_SET_ONE(&r->X);
            SW_SET_ONE(&r->Y);
            SW_SET_ZERO(&r->Z);
        }
        return;
    }
    SW_ADD(&rr, &rr, &rr);
    SW_ADD(&i, &h, &h);
    SW_SQR(&i, &i);
    SW_MUL(&j, &h, &i);
    SW_MUL(&v, &u1, &i);
    SW_ADD(&t, &p->Z, &q->Z);
    SW_SQR(&t, &t);
    SW_SUB(&t, &t, &z1z1);
    SW_SUB(&t, &t, &z2z2);
    SW_MUL(&r->Z, &t, &h);
    SW_SQR(&r->X, &rr);
    SW_SUB(&r->X, &r->X, &j);
    SW_SUB(&r->X, &r->X, &v);
    SW_SUB(&r->X, &r->X, &v);
    SW_SUB(&t, &v, &r->X);
    SW_MUL(&t, &rr, &t);
    SW_MUL(&s1, &s1, &j);
    SW_ADD(&s1, &s1, &s1);
    SW_SUB(&r->Y, &t, &s1);
}

/* r = k·p for a public scalar (little-endian, at most 32 bytes): width-4
 * NAF (digits 0, ±1, ±3, ±5, ±7, a non-zero digit every 5 bits on average),
 * so about one addition per five doublings instead of one per two. */
static inline void SW_FN(mul_vartime)(SW_P *r, const SW_P *p, const uint8_t *k, size_t klen)
{
    uint64_t v[5] = { 0 };
    int8_t naf[8 * 32 + 2];
    int len = 0;
    if (klen > 32) klen = 32;
    for (size_t i = 0; i < klen; i++) v[i / 8] |= (uint64_t)k[i] << (8 * (i % 8));
    while (v[0] | v[1] | v[2] | v[3] | v[4]) {
        int d = 0;
        if (v[0] & 1) {
            d = (int)(v[0] & 15);
            if (d >= 8) d -= 16;
            /* v -= d: the low limb's change carries or borrows upwards */
            uint64_t old = v[0];
            v[0] -= (uint64_t)(int64_t)d;
            int up = d < 0 ? v[0] < old : v[0] > old; /* carry when adding, borrow when subtracting */
            for (int j = 1; j < 5 && up; j++) {
                if (d < 0)
                    up = ++v[j] == 0;
                else
                    up = v[j]-- == 0;
            }
        }
        naf[len++] = (int8_t)d;
        for (int j = 0; j < 4; j++) v[j] = (v[j] >> 1) | (v[j + 1] << 63);
        v[4] >>= 1;
    }
    int top = 0; /* the odd multiples the digits use: small k need few */
    for (int i = 0; i < len; i++) top = naf[i] > top ? naf[i] : -naf[i] > top ? -naf[i] : top;
    SW_P odd[4], p2, acc, neg;
    if (len == 0 || SW_IS_ZERO(&p->Z)) {
        SW_FN(identity)(r);
        return;
    }
    /* to Jacobian: (X·Z, Y·Z², Z) */
    SW_F z2;
    SW_SQR(&z2, &p->Z);
    SW_MUL(&odd[0].X, &p->X, &p->Z);
    SW_MUL(&odd[0].Y, &p->Y, &z2);
    odd[0].Z = p->Z;
    if (top > 1) SW_FN(jdbl)(&p2, &odd[0]);
    for (int i = 1; i <= top / 2; i++) SW_FN(jadd)(&odd[i], &odd[i - 1], &p2);
    acc = odd[naf[len - 1] / 2]; /* the top digit is positive */
    for (int i = len - 2; i >= 0; i--) {
        SW_FN(jdbl)(&acc, &acc);
        if (naf[i] > 0) SW_FN(jadd)(&acc, &acc, &odd[naf[i] / 2]);
        if (naf[i] < 0) {
            neg = odd[-naf[i] / 2];
            SW_NEG(&neg.Y, &neg.Y);
            SW_FN(jadd)(&acc, &acc, &neg);
        }
    }
    /* back to projective: (X·Z, Y, Z³) */
    if (SW_IS_ZERO(&acc.Z)) {
        SW_FN(identity)(r);
        return;
    }
    SW_SQR(&z2, &acc.Z);
    SW_MUL(&r->X, &acc.X, &acc.Z);
    r->Y = acc.Y;
    SW_MUL(&r->Z, &z2, &acc.Z);
}

/* Fixed-base tables: tab[w][j] = j·16^w·g, so k·g is 64 additions of
 * table entries (each read by a full scan), no doublings. */
static inline void SW_FN(fixed_init)(SW_P tab[64][16], const SW_P *g)
{
    SW_P base = *g;
    for (int w = 0; w < 64; w++) {
        SW_FN(identity)(&tab[w][0]);
        for (int j = 1; j < 16; j++) SW_FN(add)(&tab[w][j], &tab[w][j - 1], &base);
        SW_FN(add)(&base, &tab[w][15], &base); /* 16^(w+1)·g */
    }
}

static inline void SW_FN(mul_fixed)(SW_P *r, SW_P tab[64][16], const uint8_t k[32])
{
    SW_P acc, sel;
    SW_FN(identity)(&acc);
    for (int w = 0; w < 64; w++) {
        unsigned nib = (k[w / 2] >> (4 * (w & 1))) & 15;
        SW_FN(select)(&sel, tab[w], nib);
        SW_FN(add)(&acc, &acc, &sel);
    }
    *r = acc;
}
