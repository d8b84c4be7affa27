"""Real TLS 1.3 key shares, generated lazily and cached: one key per group per process.

A scanner never completes a handshake, so the private half is never used; what matters is that
the public value is valid, because servers check it (RFC 8446 §4.2.8.2: a malformed point must
be answered with ``illegal_parameter``). Generating a P-521 key costs about a millisecond, so
the cache is what keeps ``build_client_hello`` in the microseconds.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ._constants import NamedGroup, name_of

__all__ = ["key_share"]

_CACHE: dict[int, bytes] = {}


def key_share(group: int) -> bytes:
    """The ``key_exchange`` bytes of a ``KeyShareEntry`` for ``group`` (RFC 8446 §4.2.8).

    Raises ``ValueError`` when no key can be made for the group (ffdhe, legacy curves).
    """
    share = _CACHE.get(group)
    if share is None:
        generate = _GENERATORS.get(group)
        if generate is None:
            supported = ", ".join(name_of(NamedGroup, g) for g in _GENERATORS)
            raise ValueError(
                f"cannot make a key share for group {name_of(NamedGroup, group)} "
                f"(supported: {supported})"
            )
        share = _CACHE.setdefault(group, generate())
    return share


# X25519 (RFC 7748 §5) in pure Python: one scalar multiplication of the base point takes about
# a millisecond, and a scan then does not pay for importing a cryptography library at start-up.
_P25519 = 2**255 - 19
_A24 = 121665


def _x25519() -> bytes:
    scalar = bytearray(os.urandom(32))
    scalar[0] &= 248
    scalar[31] &= 127
    scalar[31] |= 64
    return _x25519_scalarmult(int.from_bytes(scalar, "little"), 9).to_bytes(32, "little")


def _x25519_scalarmult(k: int, u: int) -> int:
    """The Montgomery ladder of RFC 7748 §5, on already-clamped ``k``."""
    p = _P25519
    x2, z2, x3, z3, swap = 1, 0, u, 1, 0
    for t in range(254, -1, -1):
        bit = (k >> t) & 1
        swap ^= bit
        if swap:
            x2, x3, z2, z3 = x3, x2, z3, z2
        swap = bit
        a, b = (x2 + z2) % p, (x2 - z2) % p
        aa, bb = a * a % p, b * b % p
        e = (aa - bb) % p
        c, d = (x3 + z3) % p, (x3 - z3) % p
        da, cb = d * a % p, c * b % p
        x3 = (da + cb) ** 2 % p
        z3 = u * (da - cb) ** 2 % p
        x2 = aa * bb % p
        z2 = e * (aa + _A24 * e) % p
    if swap:
        x2, z2 = x3, z3
    return x2 * pow(z2, p - 2, p) % p


def _x448() -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x448 import X448PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return X448PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _nist(bits: int) -> Callable[[], bytes]:
    def generate() -> bytes:
        # RFC 8446 §4.2.8.2: NIST curve shares are X9.62 *uncompressed* points (0x04 || X || Y).
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        curve = {256: ec.SECP256R1(), 384: ec.SECP384R1(), 521: ec.SECP521R1()}[bits]
        key = ec.generate_private_key(curve).public_key()
        return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)

    return generate


def _mlkem(k: int) -> bytes:
    """An ML-KEM encapsulation key (FIPS 203 §7.1): ``ByteEncode12(t) || rho``, 384k + 32 bytes."""
    try:
        from cryptography.hazmat.primitives.asymmetric import mlkem

        if k == 3:
            return mlkem.MLKEM768PrivateKey.generate().public_key().public_bytes_raw()
        return mlkem.MLKEM1024PrivateKey.generate().public_key().public_bytes_raw()
    except ImportError:  # cryptography < 47 (or built without ML-KEM)
        pass
    # Without ML-KEM in cryptography, encode uniformly random coefficients below q = 3329: that
    # passes the server's FIPS 203 §7.2 "modulus check" exactly like a real key, and nobody ever
    # decapsulates because the scanner never finishes the handshake.
    coefficients: list[int] = []
    while len(coefficients) < 256 * k:
        chunk = os.urandom(3)
        for value in (chunk[0] | (chunk[1] & 0x0F) << 8, chunk[1] >> 4 | chunk[2] << 4):
            if value < 3329 and len(coefficients) < 256 * k:
                coefficients.append(value)
    out = bytearray()
    for i in range(0, len(coefficients), 2):
        a, b = coefficients[i], coefficients[i + 1]
        out += bytes((a & 0xFF, a >> 8 | (b & 0x0F) << 4, b >> 4))
    return bytes(out) + os.urandom(32)


_GENERATORS: dict[int, Callable[[], bytes]] = {
    NamedGroup.x25519: _x25519,
    NamedGroup.x448: _x448,
    NamedGroup.secp256r1: _nist(256),
    NamedGroup.secp384r1: _nist(384),
    NamedGroup.secp521r1: _nist(521),
    # draft-ietf-tls-ecdhe-mlkem §4.1: X25519MLKEM768 puts ML-KEM first, the NIST hybrids last.
    NamedGroup.X25519MLKEM768: lambda: _mlkem(3) + key_share(NamedGroup.x25519),
    NamedGroup.SecP256r1MLKEM768: lambda: key_share(NamedGroup.secp256r1) + _mlkem(3),
    NamedGroup.SecP384r1MLKEM1024: lambda: key_share(NamedGroup.secp384r1) + _mlkem(4),
}
