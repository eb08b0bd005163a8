// Verifies threshold signatures of tests/avss/*.s with @noble/curves (an
// independent implementation).  Reads lines "SCHEME HEX" on stdin (HEX =
// the program's result bytes), prints "ok SCHEME" or "bad SCHEME: why".
//   bls:     sig_g1(48) || pk_g2(96) || H(m)_g1(48); e(sig, G2) = e(H(m), pk)
//   eddsa:   R(32) || s(32) || pk(32), arkworks points; s·G = R + e·A with
//            e = SHA-512(R || pk || "test message for eddsa") mod l
//   schnorr: the same with e = SHA-256(R || "test message for schnorr") mod l
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';

const edP = 2n ** 255n - 19n;
const L = ed25519.Point.Fn.ORDER;
const le = (b) => BigInt('0x' + (Buffer.from(b).reverse().toString('hex') || '0'));

// arkworks ed25519: y little-endian, bit 255 = x > -x.  Try both RFC 8032
// sign bits and keep the point whose x has the arkworks property.
function edFromArk(b) {
  const flag = (b[31] & 0x80) !== 0;
  for (const odd of [0, 1]) {
    const r = Buffer.from(b);
    r[31] = (r[31] & 0x7f) | (odd << 7);
    let P;
    try { P = ed25519.Point.fromHex(r.toString('hex')); } catch { continue; }
    const { x } = P.toAffine();
    if ((x > edP - x) === flag) return P;
  }
  throw new Error('not an arkworks ed25519 point');
}

function verify(scheme, buf) {
  if (scheme === 'bls') {
    if (buf.length !== 192) return 'length ' + buf.length;
    const G1 = bls12_381.G1.Point, G2 = bls12_381.G2.Point;
    const sig = G1.fromHex(buf.subarray(0, 48).toString('hex'));
    const pk = G2.fromHex(buf.subarray(48, 144).toString('hex'));
    const h = G1.fromHex(buf.subarray(144, 192).toString('hex'));
    if (pk.is0() || h.is0()) return 'identity point';
    const Fp12 = bls12_381.fields.Fp12;
    return Fp12.eql(bls12_381.pairing(sig, G2.BASE), bls12_381.pairing(h, pk)) ? null : 'pairing check failed';
  }
  if (scheme === 'eddsa' || scheme === 'schnorr') {
    if (buf.length !== 96) return 'length ' + buf.length;
    const Rb = buf.subarray(0, 32), sb = buf.subarray(32, 64), Ab = buf.subarray(64, 96);
    const R = edFromArk(Rb), A = edFromArk(Ab), s = le(sb);
    if (s >= L) return 's not below l';
    const h = scheme === 'eddsa'
      ? createHash('sha512').update(Rb).update(Ab).update('test message for eddsa').digest()
      : createHash('sha256').update(Rb).update('test message for schnorr').digest();
    const e = le(h) % L;
    const lhs = ed25519.Point.BASE.multiply(s === 0n ? L : s);
    return lhs.equals(R.add(A.multiply(e === 0n ? L : e))) ? null : 'equation s·G = R + e·A fails';
  }
  return 'unknown scheme';
}

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  const [scheme, hex] = line.trim().split(/\s+/);
  if (!scheme) continue;
  let why;
  try { why = verify(scheme, Buffer.from(hex || '', 'hex')); } catch (e) { why = String(e.message || e); }
  console.log(why ? `bad ${scheme}: ${why}` : `ok ${scheme}`);
}
