"""Wire constants: values from the IANA registries and the names used in messages."""

from __future__ import annotations

import pytest

from onedrive_doctor.tls import (
    GREASE_VALUES,
    AlertDescription,
    ExtensionType,
    NamedGroup,
    ProtocolVersion,
    SignatureScheme,
    is_grease,
    name_of,
)


@pytest.mark.parametrize(
    ("version", "value", "label"),
    [
        (ProtocolVersion.SSLv2, 0x0002, "SSLv2"),
        (ProtocolVersion.SSLv3, 0x0300, "SSLv3"),
        (ProtocolVersion.TLSv1_0, 0x0301, "TLSv1.0"),
        (ProtocolVersion.TLSv1_1, 0x0302, "TLSv1.1"),
        (ProtocolVersion.TLSv1_2, 0x0303, "TLSv1.2"),
        (ProtocolVersion.TLSv1_3, 0x0304, "TLSv1.3"),
    ],
)
def test_protocol_version_values_and_labels(
    version: ProtocolVersion, value: int, label: str
) -> None:
    assert version.value == value
    assert version.label == label
    assert ProtocolVersion.from_label(label) is version


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("TLS 1.2", ProtocolVersion.TLSv1_2),
        ("tls1_3", ProtocolVersion.TLSv1_3),
        ("TLSv1", ProtocolVersion.TLSv1_0),  # openssl's spelling
        (" sslv3 ", ProtocolVersion.SSLv3),
    ],
)
def test_from_label_accepts_common_spellings(text: str, version: ProtocolVersion) -> None:
    assert ProtocolVersion.from_label(text) is version


def test_from_label_lists_the_valid_labels() -> None:
    with pytest.raises(ValueError, match=r"'TLSv1\.4'.*SSLv2, SSLv3, TLSv1\.0"):
        ProtocolVersion.from_label("TLSv1.4")


def test_alert_descriptions_include_the_ones_scanners_meet() -> None:
    expected = {
        "handshake_failure": 40,
        "protocol_version": 70,
        "insufficient_security": 71,
        "inappropriate_fallback": 86,
        "missing_extension": 109,
        "unrecognized_name": 112,
        "certificate_required": 116,
    }
    assert {name: AlertDescription[name].value for name in expected} == expected
    assert AlertDescription(21).name == "decryption_failed"


def test_named_groups_and_signature_schemes() -> None:
    groups = {g.name: g.value for g in NamedGroup}
    assert (groups["secp256r1"], groups["secp384r1"], groups["secp521r1"]) == (23, 24, 25)
    assert (groups["x25519"], groups["x448"]) == (29, 30)
    assert [NamedGroup(v).name for v in range(256, 261)] == [
        f"ffdhe{bits}" for bits in (2048, 3072, 4096, 6144, 8192)
    ]
    assert all(NamedGroup(v) for v in range(1, 29))  # sect*, secp*, brainpool
    assert (groups["X25519MLKEM768"], groups["SecP256r1MLKEM768"]) == (0x11EC, 0x11EB)
    schemes = {s.name: s.value for s in SignatureScheme}
    assert schemes["rsa_pkcs1_md5"] == 0x0101
    assert (schemes["rsa_pkcs1_sha1"], schemes["ecdsa_sha1"]) == (0x0201, 0x0203)
    assert schemes["dsa_sha256"] == 0x0402
    assert [SignatureScheme(v).name for v in (0x0301, 0x0302, 0x0303)] == [
        "rsa_pkcs1_sha224",
        "dsa_sha224",
        "ecdsa_sha224",
    ]
    assert (schemes["rsa_pss_rsae_sha256"], schemes["ed448"]) == (0x0804, 0x0808)
    assert (ExtensionType(0xFF01).name, ExtensionType(21).name) == ("renegotiation_info", "padding")


def test_grease_values_are_the_sixteen_of_rfc8701() -> None:
    assert len(GREASE_VALUES) == 16
    assert GREASE_VALUES[0] == 0x0A0A and GREASE_VALUES[-1] == 0xFAFA
    assert all(is_grease(v) and v >> 8 == v & 0xFF for v in GREASE_VALUES)
    assert not is_grease(0x0A0B)


def test_name_of_falls_back_to_hex_or_grease() -> None:
    assert name_of(NamedGroup, 29) == "x25519"
    assert name_of(NamedGroup, 0x1234) == "0x1234"
    assert name_of(ExtensionType, 0x2A2A) == "GREASE"
