"""The pure-Python X25519 key share against RFC 7748's test vectors."""

from __future__ import annotations

from onedrive_doctor.tls._key_shares import _x25519, _x25519_scalarmult, key_share


def _clamp(k: bytes) -> int:
    scalar = bytearray(k)
    scalar[0] &= 248
    scalar[31] &= 127
    scalar[31] |= 64
    return int.from_bytes(scalar, "little")


def test_rfc7748_section_5_2_vector() -> None:
    k = bytes.fromhex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4")
    u = bytes.fromhex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")
    out = _x25519_scalarmult(_clamp(k), int.from_bytes(u, "little") & ((1 << 255) - 1))
    assert out.to_bytes(32, "little").hex() == (
        "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"
    )


def test_rfc7748_section_6_1_alice_public_key() -> None:
    alice = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
    public = _x25519_scalarmult(_clamp(alice), 9).to_bytes(32, "little")
    assert public.hex() == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"


def test_key_share_is_32_bytes_and_cached() -> None:
    assert len(_x25519()) == 32
    assert key_share(29) is key_share(29)
