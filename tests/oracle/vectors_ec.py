"""Test vectors for secp256k1 and P-256 from python3-cryptography (OpenSSL
underneath, independent of libsecp256k1), in the format of
tests/unit/test_crypto.c --vectors.  Prints nothing if the module is
missing (the caller counts that as a skip)."""
import os
import sys

try:
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives import serialization
except ImportError:
    sys.exit(3)

CURVES = [
    ("secp256k1", ec.SECP256K1(), 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
     2**256 - 2**32 - 977),
    ("p-256", ec.SECP256R1(), 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
     2**256 - 2**224 + 2**192 + 2**96 - 1),
]


def le_hex(k):
    return k.to_bytes(32, "little").hex()


def point(curve, k, compressed=True):
    pub = ec.derive_private_key(k, curve).public_key()
    fmt = serialization.PublicFormat.CompressedPoint if compressed else serialization.PublicFormat.UncompressedPoint
    return pub.public_bytes(serialization.Encoding.X962, fmt)


def ark(unc, p):
    """arkworks' compressed form: x little-endian, a flag byte (0x80: y > -y)."""
    x = unc[1:33]
    y = int.from_bytes(unc[33:], "big")
    return x[::-1].hex() + ("80" if y > p - y else "00")


count = int(os.environ.get("ORACLE_COUNT", "8"))
for name, curve, n, p in CURVES:
    for _ in range(count):
        a = int.from_bytes(os.urandom(48), "big") % (n - 1) + 1
        b = int.from_bytes(os.urandom(48), "big") % (n - 1) + 1
        A = point(curve, a)
        print("mulg %s %s %s" % (name, le_hex(a), A.hex()))
        # a·G + b·G = (a+b)·G, and b·(a·G) = (a·b)·G
        print("add %s %s %s %s" % (name, A.hex(), point(curve, b).hex(), point(curve, (a + b) % n).hex()))
        print("mulp %s %s %s %s" % (name, A.hex(), le_hex(b), point(curve, a * b % n).hex()))
        unc = point(curve, a, False)
        print("unc %s %s %s" % (name, A.hex(), unc.hex()))
        print("ark %s %s %s" % (name, A.hex(), ark(unc, p)))
