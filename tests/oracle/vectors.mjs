// Test vectors from @noble/curves (an independent implementation) for
// tests/unit/test_crypto.c --vectors (format described there).  Scalars are
// random; every run checks new ones.
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { bn254 } from '@noble/curves/bn254.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { createHash, randomBytes } from 'node:crypto';

const hex = (b) => Buffer.from(b).toString('hex');
const leHex = (k) => hex(Buffer.from(k.toString(16).padStart(64, '0'), 'hex').reverse());
const rand = (n) => BigInt('0x' + randomBytes(64).toString('hex')) % n;
const COUNT = Number(process.env.ORACLE_COUNT || 8);

// bn254: arkworks' compressed form (x little-endian, 0x80 if y > -y).
const bnP = bn254.G1.Point.Fp.ORDER;
function bnArk(pt) {
  if (pt.is0()) { const b = Buffer.alloc(32); b[31] = 0x40; return hex(b); }
  const { x, y } = pt.toAffine();
  const b = Buffer.from(x.toString(16).padStart(64, '0'), 'hex').reverse();
  if (y > bnP - y) b[31] |= 0x80;
  return hex(b);
}
// ed25519: arkworks sets bit 255 when x > -x (RFC 8032: when x is odd).
const edP = 2n ** 255n - 19n;
function edArk(pt) {
  const { x, y } = pt.toAffine();
  const b = Buffer.from(y.toString(16).padStart(64, '0'), 'hex').reverse();
  if (x > edP - x) b[31] |= 0x80;
  return hex(b);
}

const groups = [
  { name: 'bls12-381-g1', P: bls12_381.G1.Point, enc: (p) => hex(p.toBytes(true)), unc: (p) => hex(p.toBytes(false)) },
  { name: 'bls12-381-g2', P: bls12_381.G2.Point, enc: (p) => hex(p.toBytes(true)), unc: (p) => hex(p.toBytes(false)) },
  { name: 'bn254-g1', P: bn254.G1.Point, enc: bnArk },
  { name: 'ed25519-edwards', P: ed25519.Point, enc: (p) => hex(p.toBytes()), ark: edArk },
];
const out = [];
for (const g of groups) {
  const n = g.P.Fn.ORDER;
  for (let i = 0; i < COUNT; i++) {
    const a = rand(n - 1n) + 1n, b = rand(n - 1n) + 1n;
    const A = g.P.BASE.multiply(a), B = g.P.BASE.multiply(b);
    out.push(`mulg ${g.name} ${leHex(a)} ${g.enc(A)}`);
    out.push(`mulp ${g.name} ${g.enc(A)} ${leHex(b)} ${g.enc(A.multiply(b))}`);
    out.push(`add ${g.name} ${g.enc(A)} ${g.enc(B)} ${g.enc(A.add(B))}`);
    if (g.unc) out.push(`unc ${g.name} ${g.enc(A)} ${g.unc(A)}`);
    if (g.ark) out.push(`ark ${g.name} ${g.enc(A)} ${g.ark(A)}`);
  }
  out.push(`add ${g.name} ${g.enc(g.P.BASE)} ${g.enc(g.P.BASE)} ${g.enc(g.P.BASE.double())}`);
}

// Upstream's hash_to_g1 (crates/stoffel-vm/src/mpc_builtins/crypto.rs):
// try and increment over SHA-256(msg || u32 LE counter), x = hash mod p,
// the smaller y, times the effective cofactor 1 - x_BLS = 0xd201000000010001.
const G1 = bls12_381.G1.Point, Fp = G1.Fp;
function hashToG1(msg) {
  for (let ctr = 0; ctr < 256; ctr++) {
    const c = Buffer.alloc(4); c.writeUInt32LE(ctr);
    const h = createHash('sha256').update(msg).update(c).digest();
    const x = Fp.create(BigInt('0x' + h.toString('hex')));
    const rhs = Fp.add(Fp.mul(Fp.sqr(x), x), 4n);
    let y;
    try { y = Fp.sqrt(rhs); } catch { continue; }
    if (Fp.sqr(y) !== rhs) continue;
    if (y > Fp.ORDER - y) y = Fp.ORDER - y;
    const p = G1.fromAffine({ x, y }).multiplyUnsafe(0xd201000000010001n);
    if (!p.is0()) return p;
  }
  throw new Error('no point');
}
for (const m of ['', 'abc', 'test message for bls', randomBytes(40).toString('hex')]) {
  const msg = Buffer.from(m);
  out.push(`h2g1 bls12-381-g1 ${msg.length ? hex(msg) : '-'} ${hex(hashToG1(msg).toBytes(true))}`);
}
console.log(out.join('\n'));
