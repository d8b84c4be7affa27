"""ClientHello building, checked by parsing the bytes back."""

from __future__ import annotations

import dataclasses
import sys
import time

import pytest
from cryptography.hazmat.primitives import asymmetric
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.x448 import X448PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from tls_vectors import RFC8448_CLIENT_HELLO, handshake

from onedrive_doctor.tls import (
    DEFAULT_GROUPS,
    DEFAULT_SIGNATURE_ALGORITHMS,
    SSL2_CIPHER_KINDS,
    ClientHello,
    ClientHelloSpec,
    ExtensionType,
    NamedGroup,
    ProtocolVersion,
    SignatureScheme,
    TlsDecodeError,
    build_client_hello,
    build_sslv2_client_hello,
    cipher_suites_of,
    is_grease,
    parse_client_hello,
)
from onedrive_doctor.tls._key_shares import _mlkem, key_share

V = ProtocolVersion
RANDOM = bytes(range(32))
TLS12_SUITES = (0xC02F, 0xC030, 0xC013, 0x009C, 0x002F)
TLS13_SUITES = (0x1301, 0x1302, 0x1303)


def build_and_parse(spec: ClientHelloSpec) -> ClientHello:
    return parse_client_hello(build_client_hello(spec))


def handshake_length(hello: bytes) -> int:
    """The handshake message's length, header included (what the F5 bug looks at)."""
    return 4 + int.from_bytes(hello[6:9], "big")


def test_rfc8448_client_hello_decodes() -> None:
    hello = parse_client_hello(RFC8448_CLIENT_HELLO)
    assert hello.record_version is None
    assert hello.version is V.TLSv1_3 and hello.legacy_version == 0x0303
    assert hello.cipher_suites == (0x1301, 0x1303, 0x1302)
    assert hello.server_name == "server"
    assert hello.groups == (29, 23, 24, 25, 256, 257, 258, 259, 260)
    assert hello.supported_versions == (0x0304,)
    assert hello.key_share_groups == (NamedGroup.x25519,)
    assert hello.signature_algorithms[:3] == (0x0403, 0x0503, 0x0603)
    assert len(hello.signature_algorithms) == 15
    assert hello.extension_types == (0, 0xFF01, 10, 35, 51, 43, 13, 45, 28)
    assert hello.extension(ExtensionType.record_size_limit) == b"\x40\x01"
    assert cipher_suites_of(RFC8448_CLIENT_HELLO) == [0x1301, 0x1303, 0x1302]


def test_tls12_hello_has_the_classic_extensions_and_no_tls13_ones() -> None:
    data = build_client_hello(ClientHelloSpec(V.TLSv1_2, TLS12_SUITES, "example.com"))
    assert data[:3] == b"\x16\x03\x01"  # handshake record, TLS 1.0 record version
    hello = parse_client_hello(data)
    assert hello.record_version == 0x0301
    assert hello.legacy_version == 0x0303 and hello.version is V.TLSv1_2
    assert hello.session_id == b""
    assert hello.compression_methods == b"\x00"
    assert hello.cipher_suites == TLS12_SUITES
    assert hello.server_name == "example.com"
    assert hello.groups == DEFAULT_GROUPS
    assert hello.signature_algorithms == DEFAULT_SIGNATURE_ALGORITHMS
    assert SignatureScheme.rsa_pkcs1_sha1 in hello.signature_algorithms
    assert hello.supported_versions is None
    assert hello.key_share_groups == ()
    assert hello.extension(ExtensionType.ec_point_formats) == b"\x01\x00"
    assert hello.extension(ExtensionType.renegotiation_info) == b"\x00"
    assert hello.extension(ExtensionType.extended_master_secret) == b""
    assert hello.extension(ExtensionType.session_ticket) == b""
    for absent in (ExtensionType.psk_key_exchange_modes, ExtensionType.status_request):
        assert hello.extension(absent) is None


def test_tls13_hello_uses_legacy_version_supported_versions_and_a_real_key_share() -> None:
    data = build_client_hello(ClientHelloSpec(V.TLSv1_3, TLS13_SUITES, "example.com"))
    hello = parse_client_hello(data)
    assert hello.legacy_version == 0x0303
    assert hello.supported_versions == (0x0304,)
    assert hello.version is V.TLSv1_3
    assert len(hello.session_id) == 32  # RFC 8446 §D.4 middlebox compatibility
    assert hello.key_share_groups == (NamedGroup.x25519,)
    assert hello.extension(ExtensionType.psk_key_exchange_modes) == b"\x01\x01"
    share = hello.extension(ExtensionType.key_share)
    assert share is not None and share[:6] == b"\x00\x24\x00\x1d\x00\x20"
    X25519PublicKey.from_public_bytes(share[6:])  # a valid public key


def test_windows11_like_hello_offers_tls13_and_tls12() -> None:
    spec = ClientHelloSpec(
        V.TLSv1_3, (*TLS13_SUITES, *TLS12_SUITES), supported_versions=(V.TLSv1_3, V.TLSv1_2)
    )
    hello = build_and_parse(spec)
    assert hello.supported_versions == (0x0304, 0x0303)
    assert hello.key_share_groups == (29,)


def test_post_handshake_auth_is_empty_and_only_in_tls13_hellos() -> None:
    tls13 = build_and_parse(ClientHelloSpec(V.TLSv1_3, TLS13_SUITES, post_handshake_auth=True))
    assert tls13.extension(ExtensionType.post_handshake_auth) == b""  # RFC 8446 §4.2.6
    tls12 = build_and_parse(ClientHelloSpec(V.TLSv1_2, TLS12_SUITES, post_handshake_auth=True))
    assert tls12.extension(ExtensionType.post_handshake_auth) is None
    default = build_and_parse(ClientHelloSpec(V.TLSv1_3, TLS13_SUITES))
    assert ExtensionType.post_handshake_auth not in default.extension_types


@pytest.mark.parametrize("version", [V.TLSv1_0, V.TLSv1_1])
def test_signature_algorithms_only_from_tls12(version: ProtocolVersion) -> None:
    hello = build_and_parse(ClientHelloSpec(version, TLS12_SUITES))
    assert hello.legacy_version == version
    assert hello.extension(ExtensionType.signature_algorithms) is None
    assert hello.groups == DEFAULT_GROUPS


def test_sslv3_hello_has_no_extensions_block() -> None:
    spec = ClientHelloSpec(
        V.SSLv3,
        (0x000A, 0x0005),
        "example.com",
        extensions_enabled=False,
        record_version=V.SSLv3,
        random=RANDOM,
    )
    data = build_client_hello(spec)
    body = b"\x03\x00" + RANDOM + b"\x00" + b"\x00\x04\x00\x0a\x00\x05" + b"\x01\x00"
    assert (
        data
        == b"\x16\x03\x00"
        + (len(body) + 4).to_bytes(2, "big")
        + b"\x01\x00\x00"
        + bytes((len(body),))
        + body
    )
    hello = parse_client_hello(data)
    assert not hello.extensions_present and hello.extensions == ()
    assert hello.version is V.SSLv3


KEY_SHARE_SIZES = {
    NamedGroup.x25519: 32,
    NamedGroup.x448: 56,
    NamedGroup.secp256r1: 65,
    NamedGroup.secp384r1: 97,
    NamedGroup.secp521r1: 133,
    NamedGroup.X25519MLKEM768: 1184 + 32,
    NamedGroup.SecP256r1MLKEM768: 65 + 1184,
    NamedGroup.SecP384r1MLKEM1024: 97 + 1568,
}


def test_every_key_share_group_gets_a_valid_cached_key() -> None:
    spec = ClientHelloSpec(V.TLSv1_3, TLS13_SUITES, key_share_groups=tuple(KEY_SHARE_SIZES))
    first = build_and_parse(spec)
    assert first.key_share_groups == tuple(KEY_SHARE_SIZES)
    assert build_and_parse(spec).extension(51) == first.extension(51)  # one key per process
    for group, size in KEY_SHARE_SIZES.items():
        assert len(key_share(group)) == size
    X448PublicKey.from_public_bytes(key_share(NamedGroup.x448))
    for group, curve in (
        (NamedGroup.secp256r1, ec.SECP256R1()),
        (NamedGroup.secp384r1, ec.SECP384R1()),
        (NamedGroup.secp521r1, ec.SECP521R1()),
    ):
        ec.EllipticCurvePublicKey.from_encoded_point(curve, key_share(group))
    # draft-ietf-tls-ecdhe-mlkem: the X25519 half goes last, the NIST halves go first.
    assert key_share(NamedGroup.X25519MLKEM768)[-32:] == key_share(NamedGroup.x25519)
    assert key_share(NamedGroup.SecP256r1MLKEM768)[:65] == key_share(NamedGroup.secp256r1)


def test_mlkem_fallback_encodes_coefficients_below_q(monkeypatch: pytest.MonkeyPatch) -> None:
    # As if cryptography were older than ML-KEM support: the import fails.
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives.asymmetric.mlkem", None)
    monkeypatch.delattr(asymmetric, "mlkem", raising=False)
    with pytest.raises(ImportError):
        from cryptography.hazmat.primitives.asymmetric import mlkem  # noqa: F401
    key = _mlkem(3)
    assert len(key) == 1184
    encoded = key[:1152]
    for i in range(0, len(encoded), 3):
        a = encoded[i] | (encoded[i + 1] & 0x0F) << 8
        b = encoded[i + 1] >> 4 | encoded[i + 2] << 4
        assert a < 3329 and b < 3329


def test_group_without_a_key_generator_is_a_usage_error() -> None:
    spec = ClientHelloSpec(V.TLSv1_3, TLS13_SUITES, key_share_groups=(NamedGroup.ffdhe2048,))
    with pytest.raises(ValueError, match="cannot make a key share for group ffdhe2048"):
        build_client_hello(spec)


def test_key_shares_are_not_sent_without_tls13() -> None:
    spec = ClientHelloSpec(V.TLSv1_2, TLS12_SUITES, key_share_groups=(NamedGroup.ffdhe2048,))
    assert build_and_parse(spec).extension(ExtensionType.key_share) is None


def _padding_spec(suite_count: int, padding_to: int | None = 512) -> ClientHelloSpec:
    return ClientHelloSpec(
        V.TLSv1_2,
        tuple(range(1, suite_count + 1)),
        "example.com",
        random=RANDOM,
        padding_to=padding_to,
    )


@pytest.mark.parametrize("suite_count", range(30, 200, 3))
def test_padding_lifts_hellos_of_256_to_511_bytes_to_512(suite_count: int) -> None:
    plain = build_client_hello(_padding_spec(suite_count, None))
    padded = build_client_hello(_padding_spec(suite_count))
    length = handshake_length(plain)
    hello = parse_client_hello(padded)
    if 256 <= length < 512:
        assert hello.extension_types[-1] == ExtensionType.padding  # RFC 7685 §4: last
        padding = hello.extension(ExtensionType.padding)
        assert padding is not None and len(padding) >= 1 and set(padding) == {0}
        expected = 512 if 512 - length >= 5 else length + 5
        assert handshake_length(padded) == expected
    else:
        assert padded == plain
        assert hello.extension(ExtensionType.padding) is None


@pytest.mark.parametrize("gap", [1, 2, 3, 4, 5, 6])
def test_padding_near_the_target_is_one_byte(gap: int) -> None:
    # Find a hello exactly `gap` bytes under the target by trimming the server name.
    base = handshake_length(build_client_hello(_padding_spec(120, None)))
    target = base + gap
    padded = build_client_hello(_padding_spec(120, target))
    padding = parse_client_hello(padded).extension(ExtensionType.padding)
    assert padding is not None
    assert len(padding) == (gap - 4 if gap >= 5 else 1)
    assert handshake_length(padded) == max(target, base + 5)


def test_custom_padding_target_and_disabled_padding() -> None:
    assert handshake_length(build_client_hello(_padding_spec(150, 700))) == 700
    assert handshake_length(build_client_hello(_padding_spec(20, 700))) < 256  # too short to pad


def test_grease_values_in_suites_groups_versions_key_shares_and_extensions() -> None:
    spec = ClientHelloSpec(V.TLSv1_3, TLS13_SUITES, "example.com", grease=True, random=RANDOM)
    data = build_client_hello(spec)
    assert build_client_hello(dataclasses.replace(spec, session_id=None)) != data  # fresh sid
    hello = parse_client_hello(data)
    assert is_grease(hello.cipher_suites[0]) and hello.cipher_suites[1:] == TLS13_SUITES
    assert is_grease(hello.groups[0]) and hello.groups[1:] == DEFAULT_GROUPS
    assert hello.supported_versions is not None and is_grease(hello.supported_versions[0])
    assert hello.supported_versions[1:] == (0x0304,)
    assert is_grease(hello.key_share_groups[0]) and hello.key_share_groups[1:] == (29,)
    first, last = hello.extensions[0], hello.extensions[-2]
    assert hello.extension_types[-1] == ExtensionType.padding
    assert is_grease(first[0]) and first[1] == b""
    assert is_grease(last[0]) and last[1] == b"\x00"
    assert first[0] != last[0]  # RFC 8701 §3
    assert [t for t in hello.extension_types if is_grease(t)] == [first[0], last[0]]


def test_grease_is_reproducible_from_random_and_varies_with_it() -> None:
    spec = ClientHelloSpec(V.TLSv1_2, TLS12_SUITES, grease=True, random=RANDOM)
    assert build_client_hello(spec) == build_client_hello(spec)
    suites = {
        build_and_parse(dataclasses.replace(spec, random=bytes([i * 16]) * 32)).cipher_suites[0]
        for i in range(16)
    }
    assert len(suites) == 16
    assert build_and_parse(spec).supported_versions is None


def test_3000_suites_fit_in_one_record() -> None:
    suites = tuple(range(3000))
    data = build_client_hello(ClientHelloSpec(V.TLSv1_2, suites))
    assert int.from_bytes(data[3:5], "big") == len(data) - 5
    assert cipher_suites_of(data) == list(suites)


def test_hello_over_16k_is_split_across_records() -> None:
    suites = tuple(range(10000))
    data = build_client_hello(ClientHelloSpec(V.TLSv1_3, suites, record_version=V.TLSv1_2))
    lengths = []
    offset = 0
    while offset < len(data):
        assert data[offset : offset + 3] == b"\x16\x03\x03"
        lengths.append(int.from_bytes(data[offset + 3 : offset + 5], "big"))
        offset += 5 + lengths[-1]
    assert len(lengths) == 2 and lengths[0] == 16384
    assert parse_client_hello(data).cipher_suites == suites


@pytest.mark.parametrize(
    ("server_name", "sent"),
    [
        ("login.microsoftonline.com", "login.microsoftonline.com"),
        ("example.com.", "example.com"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("192.0.2.1", None),
        ("2001:db8::1", None),
        ("[2001:db8::1]", None),
        (None, None),
    ],
)
def test_server_name_rules(server_name: str | None, sent: str | None) -> None:
    hello = build_and_parse(ClientHelloSpec(V.TLSv1_2, TLS12_SUITES, server_name))
    assert hello.server_name == sent
    assert (hello.extension(ExtensionType.server_name) is None) == (sent is None)


def test_optional_extensions_on_and_off() -> None:
    on = build_and_parse(
        ClientHelloSpec(V.TLSv1_3, TLS13_SUITES, status_request=True, alpn=("h2", "http/1.1"))
    )
    assert on.alpn == ("h2", "http/1.1")
    assert on.extension(ExtensionType.status_request) == b"\x01\x00\x00\x00\x00"
    off = build_and_parse(
        ClientHelloSpec(
            V.TLSv1_3,
            TLS13_SUITES,
            groups=(),
            signature_algorithms=(),
            ec_point_formats=False,
            renegotiation_info=False,
            extended_master_secret=False,
            session_ticket=False,
            psk_key_exchange_modes=False,
            padding_to=None,
        )
    )
    assert off.extension_types == (ExtensionType.supported_versions, ExtensionType.key_share)


def test_extra_extensions_replace_or_follow_the_built_in_ones() -> None:
    spec = ClientHelloSpec(
        V.TLSv1_2,
        TLS12_SUITES,
        extra_extensions=((0x0012, b""), (ExtensionType.ec_point_formats, b"\x03\x00\x01\x02")),
        padding_to=None,
    )
    hello = build_and_parse(spec)
    assert hello.extension(ExtensionType.ec_point_formats) == b"\x03\x00\x01\x02"
    assert hello.extension_types.count(ExtensionType.ec_point_formats) == 1
    assert hello.extension_types.index(11) < hello.extension_types.index(10)  # kept its place
    assert hello.extension_types[-1] == 0x0012


def test_extension_order_is_followed_and_the_rest_keeps_the_default_order() -> None:
    order = (0xFF01, 0x0A0A, 43, 51, 13, 21, 10)
    spec = ClientHelloSpec(
        V.TLSv1_3, TLS13_SUITES, "example.com", grease=True, extension_order=order, random=RANDOM
    )
    types = build_and_parse(spec).extension_types
    assert types[0] == 0xFF01 and is_grease(types[1])
    assert types[2:7] == (43, 51, 13, 21, 10)  # padding where the order put it
    assert types[7:] == (0, 11, 35, 23, 45, types[-1]) and is_grease(types[-1])


def test_too_many_extension_bytes_is_a_usage_error() -> None:
    spec = ClientHelloSpec(V.TLSv1_2, TLS12_SUITES, extra_extensions=((0x1234, bytes(65500)),))
    with pytest.raises(ValueError, match="65535"):
        build_client_hello(spec)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"version": V.SSLv2}, "build_sslv2_client_hello"),
        ({"random": b"short"}, "random must be 32 bytes"),
        ({"session_id": bytes(33)}, "session_id is at most 32 bytes"),
        ({"cipher_suites": (0x10000,)}, "cipher_suites holds a value"),
        ({"cipher_suites": tuple(range(40000))}, "exceed the limit"),
        ({"groups": (-1,)}, "groups holds a value"),
        ({"alpn": ("",)}, "ALPN"),
        ({"server_name": "a" * 70000}, "server_name is too long"),
        ({"padding_to": 70000}, "padding_to"),
        ({"extra_extensions": ((70000, b""),)}, "extra_extensions"),
        ({"version": 0x0305}, "is not a valid ProtocolVersion"),
    ],
)
def test_spec_refuses_values_it_cannot_encode(changes: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"version": V.TLSv1_2, "cipher_suites": TLS12_SUITES}
    arguments.update(changes)
    with pytest.raises(ValueError, match=message):
        ClientHelloSpec(**arguments)  # type: ignore[arg-type]


def test_versions_given_as_ints_become_protocol_versions() -> None:
    spec = ClientHelloSpec(0x0304, TLS13_SUITES, supported_versions=(0x0304, 0x0303))  # type: ignore[arg-type]
    assert spec.version is V.TLSv1_3
    assert spec.supported_versions == (V.TLSv1_3, V.TLSv1_2)
    assert spec.offers_tls13


def test_captured_hello_replays_through_to_spec() -> None:
    original_spec = ClientHelloSpec(
        V.TLSv1_3,
        (*TLS13_SUITES, *TLS12_SUITES),
        "login.live.com",
        groups=(29, 23, 24),
        supported_versions=(V.TLSv1_3, V.TLSv1_2),
        key_share_groups=(29, 23),
        status_request=True,
        alpn=("h2",),
        grease=True,
        extra_extensions=((0x0012, b""), (ExtensionType.ec_point_formats, b"\x03\x00\x01\x02")),
        extension_order=(0, 0xFF01, 5, 10, 11, 13, 35, 16, 23, 43, 45, 51, 0x0012, 0x0A0A),
    )
    captured = build_and_parse(original_spec)
    replay = build_and_parse(captured.to_spec(server_name="login.microsoftonline.com"))
    assert replay.server_name == "login.microsoftonline.com"
    for field in ("cipher_suites", "groups", "key_share_groups", "supported_versions"):
        assert [v for v in getattr(replay, field) if not is_grease(v)] == [
            v for v in getattr(captured, field) if not is_grease(v)
        ]
    assert replay.signature_algorithms == captured.signature_algorithms
    assert replay.alpn == ("h2",)
    assert [is_grease(t) or t for t in replay.extension_types] == [
        is_grease(t) or t for t in captured.extension_types
    ]
    for ext_type in (5, 11, 0xFF01, 23, 45, 0x0012):
        assert replay.extension(ext_type) == captured.extension(ext_type)
    assert replay.random != captured.random and len(replay.session_id) == 32


def test_replay_keeps_extensions_the_builder_would_leave_out() -> None:
    # A TLS 1.0 hello that (against RFC 5246 §7.4.1.4.1) carries signature_algorithms.
    sigalgs = ClientHelloSpec(V.TLSv1_2, TLS12_SUITES).signature_algorithms
    body = (2 * len(sigalgs)).to_bytes(2, "big") + b"".join(v.to_bytes(2, "big") for v in sigalgs)
    spec = ClientHelloSpec(V.TLSv1_0, TLS12_SUITES, extra_extensions=((13, body),))
    captured = build_and_parse(spec)
    assert captured.signature_algorithms == sigalgs
    replay = build_and_parse(captured.to_spec())
    assert replay.extension_types == captured.extension_types
    assert replay.signature_algorithms == sigalgs


def test_replaying_a_tls12_resumption_keeps_the_session_id_length() -> None:
    spec = ClientHelloSpec(V.TLSv1_2, TLS12_SUITES, session_id=bytes(32), padding_to=None)
    replay = build_and_parse(build_and_parse(spec).to_spec())
    assert len(replay.session_id) == 32 and replay.session_id != bytes(32)
    assert replay.extension(ExtensionType.padding) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (RFC8448_CLIENT_HELLO[:-1], "truncated"),
        (RFC8448_CLIENT_HELLO + b"\x00", "1 bytes after the message"),
        (b"\x17\x03\x01\x00\x01\x01", "not a handshake record"),
        (b"\x16\x03\x01\x00\x04\x02\x00\x00\x00", "expected client_hello"),
        (b"", "ClientHello truncated"),
        (
            handshake(1, b"\x03\x03" + bytes(33) + b"\x00\x05" + bytes(5) + b"\x01\x00"),
            "odd length",
        ),
        (b"\x16\x03\x01\x00\x05\x01", "fragment truncated"),
    ],
)
def test_parse_client_hello_refuses_malformed_input(data: bytes, message: str) -> None:
    with pytest.raises(TlsDecodeError, match=message):
        parse_client_hello(data)


def test_sslv2_client_hello_refuses_more_kinds_than_a_record_holds() -> None:
    with pytest.raises(ValueError, match="too long"):
        build_sslv2_client_hello([0x010080] * 11000)


def test_unknown_offered_version_stays_an_int() -> None:
    hello = build_and_parse(
        ClientHelloSpec(V.TLSv1_3, TLS13_SUITES, extra_extensions=((43, b"\x02\x7f\x1c"),))
    )
    assert hello.version == 0x7F1C and not isinstance(hello.version, ProtocolVersion)
    with pytest.raises(ValueError):
        hello.to_spec()


def test_sslv2_client_hello_layout() -> None:
    kinds = tuple(SSL2_CIPHER_KINDS)
    challenge = bytes(range(16))
    data = build_sslv2_client_hello(kinds, challenge)
    body = data[2:]
    assert int.from_bytes(data[:2], "big") == 0x8000 | len(body)
    assert body[:9] == b"\x01\x00\x02\x00\x15\x00\x00\x00\x10"
    assert body[9:30] == b"".join(k.to_bytes(3, "big") for k in kinds)
    assert body[30:] == challenge
    assert SSL2_CIPHER_KINDS[0x0700C0] == "SSL_CK_DES_192_EDE3_CBC_WITH_MD5"
    assert len(SSL2_CIPHER_KINDS) == 7
    assert len(build_sslv2_client_hello([0x010080])) == 2 + 9 + 3 + 16


@pytest.mark.parametrize(
    ("kinds", "challenge"), [((0x010080,), bytes(15)), ((0x010080,), bytes(33)), ((1 << 24,), None)]
)
def test_sslv2_client_hello_refuses_bad_input(
    kinds: tuple[int, ...], challenge: bytes | None
) -> None:
    with pytest.raises(ValueError, match=r"SSL 2\.0"):
        build_sslv2_client_hello(kinds, challenge)


def test_building_a_hello_takes_microseconds() -> None:
    spec = ClientHelloSpec(V.TLSv1_3, (*TLS13_SUITES, *TLS12_SUITES), "example.com", grease=True)
    build_client_hello(spec)  # key generation happens once, here
    count = 2000
    start = time.perf_counter()
    for _ in range(count):
        build_client_hello(spec)
    per_hello = (time.perf_counter() - start) / count
    assert per_hello < 250e-6  # measured ~15 µs; generous for slow CI machines
