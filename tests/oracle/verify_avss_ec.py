#!/usr/bin/env python3
"""Verifies threshold ECDSA signatures of tests/avss/threshold_ecdsa.s with
python3-cryptography (OpenSSL).  Reads lines "CURVE HEX" (HEX = r(32 BE) ||
s(32 BE) || SEC1 compressed pk(33)) on stdin; prints "ok CURVE" or
"bad CURVE: why".  Exit 3 when the module is missing."""
import sys

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
except ImportError:
    sys.exit(3)

MESSAGE = b"stoffel-avss-threshold-ecdsa-demo-message-v1"
CURVES = {"secp256k1": ec.SECP256K1(), "p-256": ec.SECP256R1()}

for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    name, data = parts[0], bytes.fromhex(parts[1]) if len(parts) > 1 else b""
    try:
        if len(data) != 97:
            raise ValueError("length %d" % len(data))
        r, s = int.from_bytes(data[:32], "big"), int.from_bytes(data[32:64], "big")
        pk = ec.EllipticCurvePublicKey.from_encoded_point(CURVES[name], data[64:])
        pk.verify(encode_dss_signature(r, s), MESSAGE, ec.ECDSA(hashes.SHA256()))
        print("ok %s" % name)
    except InvalidSignature:
        print("bad %s: signature does not verify" % name)
    except (ValueError, KeyError) as e:
        print("bad %s: %s" % (name, e))
