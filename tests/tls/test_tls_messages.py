"""Server messages decoded from hex vectors, each checked h11's three ways."""

from __future__ import annotations

import pytest
from tls_vectors import (
    OPENSSL_TLS12_CERTIFICATE_RECORD,
    OPENSSL_TLS12_SERVER_HELLO_DONE_RECORD,
    OPENSSL_TLS12_SERVER_HELLO_RECORD,
    OPENSSL_TLS12_SERVER_KEY_EXCHANGE_RECORD,
    RFC8448_HELLO_RETRY_REQUEST,
    RFC8448_SERVER_HELLO,
    RFC8448_SERVER_KEY_SHARE,
    handshake,
    three_ways,
)

from onedrive_doctor.tls import (
    Alert,
    AlertDescription,
    Certificate,
    ContentType,
    ExtensionType,
    NamedGroup,
    NeedMoreData,
    ProtocolVersion,
    Record,
    ServerHello,
    ServerHelloDone,
    ServerKeyExchange,
    SignatureScheme,
    SSLv2ServerHello,
    TlsDecodeError,
)


def test_rfc8448_server_hello_decodes_version_suite_and_key_share() -> None:
    hello, _ = ServerHello.from_bytes(RFC8448_SERVER_HELLO)
    three_ways(ServerHello.from_bytes, RFC8448_SERVER_HELLO, hello)
    assert hello.legacy_version == 0x0303
    assert hello.cipher_suite == 0x1301
    assert hello.session_id == b""
    assert hello.compression_method == 0
    assert hello.selected_version is ProtocolVersion.TLSv1_3
    assert hello.key_share_group == NamedGroup.x25519
    key_share = hello.extension(ExtensionType.key_share)
    assert key_share == b"\x00\x1d\x00\x20" + RFC8448_SERVER_KEY_SHARE
    assert hello.extension(ExtensionType.cookie) is None
    assert not hello.is_hello_retry_request
    assert hello.downgrade_sentinel is None


def test_rfc8448_hello_retry_request_names_the_group_asked_for() -> None:
    hrr, _ = ServerHello.from_bytes(RFC8448_HELLO_RETRY_REQUEST)
    three_ways(ServerHello.from_bytes, RFC8448_HELLO_RETRY_REQUEST, hrr)
    assert hrr.is_hello_retry_request
    assert hrr.key_share_group == NamedGroup.secp256r1
    assert hrr.selected_version is ProtocolVersion.TLSv1_3
    cookie = hrr.extension(ExtensionType.cookie)
    assert cookie is not None and len(cookie) == 0x74


def _server_hello_body(random: bytes, extensions: bytes | None = None) -> bytes:
    body = b"\x03\x03" + random + b"\x00" + b"\xc0\x2f" + b"\x00"
    if extensions is not None:
        body += len(extensions).to_bytes(2, "big") + extensions
    return body


@pytest.mark.parametrize(
    ("tail", "sentinel"),
    [(b"DOWNGRD\x01", "TLSv1.2"), (b"DOWNGRD\x00", "TLSv1.1 or below"), (b"DOWNGRD\x02", None)],
)
def test_downgrade_sentinel_is_read_from_the_last_8_bytes_of_random(
    tail: bytes, sentinel: str | None
) -> None:
    message = handshake(2, _server_hello_body(bytes(range(24)) + tail))
    hello, _ = ServerHello.from_bytes(message)
    three_ways(ServerHello.from_bytes, message, hello)
    assert hello.downgrade_sentinel == sentinel
    assert hello.selected_version is ProtocolVersion.TLSv1_2
    assert hello.extensions == ()
    assert hello.key_share_group is None


def test_server_hello_without_extensions_block_is_sslv3_style() -> None:
    hello, _ = ServerHello.from_bytes(handshake(2, b"\x03\x00" + bytes(32) + b"\x00\x00\x0a\x00"))
    assert hello.selected_version is ProtocolVersion.SSLv3
    assert hello.cipher_suite == 0x000A


def test_unknown_selected_version_stays_an_int() -> None:
    ext = b"\x00\x2b\x00\x02\x7f\x1c"  # draft-28 of TLS 1.3
    hello, _ = ServerHello.from_bytes(handshake(2, _server_hello_body(bytes(32), ext)))
    assert hello.selected_version == 0x7F1C
    assert not isinstance(hello.selected_version, ProtocolVersion)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\x03\x03" + bytes(20), "random truncated"),
        (b"\x03\x03" + bytes(32) + b"\x21" + bytes(33) + b"\x00\x2f\x00", "session_id length 33"),
        (_server_hello_body(bytes(32), b"\x00\x2b\x00\x01\x03"), "supported_versions is 1 bytes"),
        (_server_hello_body(bytes(32), b"\x00\x33\x00\x02\x00\x1d"), "key_exchange length"),
        (_server_hello_body(bytes(32), b"\x00\x2b\x00\x05\x03"), "extension 43 body truncated"),
        (_server_hello_body(bytes(32), b"") + b"\x00", "trailing"),
    ],
)
def test_malformed_server_hello_names_the_field(body: bytes, message: str) -> None:
    with pytest.raises(TlsDecodeError, match=message):
        ServerHello.from_bytes(handshake(2, body))


def test_from_bytes_refuses_another_message_type() -> None:
    with pytest.raises(TlsDecodeError, match=r"expected server_hello .*, got certificate"):
        ServerHello.from_bytes(handshake(11, b"\x00\x00\x00"))


def test_openssl_tls12_flight_messages_decode_one_by_one() -> None:
    hello, _ = ServerHello.from_bytes(OPENSSL_TLS12_SERVER_HELLO_RECORD[5:])
    three_ways(ServerHello.from_bytes, OPENSSL_TLS12_SERVER_HELLO_RECORD[5:], hello)
    assert hello.cipher_suite == 0xC02B
    assert hello.selected_version is ProtocolVersion.TLSv1_2
    assert len(hello.session_id) == 32
    assert [t for t, _ in hello.extensions] == [
        ExtensionType.renegotiation_info,
        ExtensionType.ec_point_formats,
        ExtensionType.extended_master_secret,
    ]
    assert hello.downgrade_sentinel is None  # the server was limited to TLS 1.2 (-tls1_2)

    certificate, _ = Certificate.from_bytes(OPENSSL_TLS12_CERTIFICATE_RECORD[5:])
    three_ways(Certificate.from_bytes, OPENSSL_TLS12_CERTIFICATE_RECORD[5:], certificate)
    assert len(certificate.certificates) == 1
    assert certificate.certificates[0][:2] == b"\x30\x82"  # a DER SEQUENCE
    assert b"localhost" in certificate.certificates[0]

    ske_message = OPENSSL_TLS12_SERVER_KEY_EXCHANGE_RECORD[5:]
    ske, _ = ServerKeyExchange.from_bytes(ske_message)
    three_ways(ServerKeyExchange.from_bytes, ske_message, ske)
    assert ske.curve == NamedGroup.x25519
    assert ske.dh_prime_bits is None
    # named_curve, x25519, a 32-byte point, then the TLS 1.2 signature algorithm.
    assert ske.raw[:4] == b"\x03\x00\x1d\x20"
    assert int.from_bytes(ske.raw[36:38], "big") == SignatureScheme.ecdsa_secp256r1_sha256

    done_message = OPENSSL_TLS12_SERVER_HELLO_DONE_RECORD[5:]
    three_ways(ServerHelloDone.from_bytes, done_message, ServerHelloDone())


def _dhe_params(prime_bits: int, signature: bytes) -> bytes:
    prime = ((1 << (prime_bits - 1)) | 0xFF).to_bytes(prime_bits // 8, "big")
    vectors = (prime, b"\x02", b"\x01" * (prime_bits // 8))
    return b"".join(len(v).to_bytes(2, "big") + v for v in vectors) + signature


@pytest.mark.parametrize(
    ("body", "curve", "prime_bits"),
    [
        (_dhe_params(2048, b"\x04\x01\x00\x03abc"), None, 2048),  # TLS 1.2 DigitallySigned
        (_dhe_params(1024, b"\x00\x03abc"), None, 1024),  # TLS 1.0 signature
        (_dhe_params(6144, b""), None, 6144),  # anonymous; p's length starts with 0x03
        (_dhe_params(2048, b"\x04"), None, None),  # a stray byte: no layout fits, stays raw
        (b"\x03\x00\x17\x41\x04" + bytes(64) + b"\x04\x03\x00\x02ab", 23, None),
        (b"\x03\x00\x18\x03abc", 24, None),  # anonymous ECDH
        (b"\x01" + bytes(40), None, None),  # explicit_prime curve: stays raw
        (b"\x00\x04hint", None, None),  # PSK identity hint
        (b"", None, None),
    ],
)
def test_server_key_exchange_recognises_ecdhe_and_dhe_layouts(
    body: bytes, curve: int | None, prime_bits: int | None
) -> None:
    ske, consumed = ServerKeyExchange.from_bytes(handshake(12, body))
    assert (ske.raw, ske.curve, ske.dh_prime_bits) == (body, curve, prime_bits)
    assert consumed == len(body) + 4


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\x00\x00\x05\x00\x00\x00\x00", "certificate_list truncated"),
        (b"\x00\x00\x03\x00\x00\x00", "ASN.1Cert length 0 < 1"),
        (b"\x00\x00\x04\x00\x00\x05\x30", "ASN.1Cert truncated"),
        (b"\x00\x00\x00\xff", "trailing"),
    ],
)
def test_malformed_certificate_message_raises(body: bytes, message: str) -> None:
    with pytest.raises(TlsDecodeError, match=message):
        Certificate.from_bytes(handshake(11, body))


def test_empty_certificate_list_is_allowed() -> None:
    assert Certificate.from_bytes(handshake(11, b"\x00\x00\x00")) == (Certificate(()), 7)


def test_server_hello_done_with_a_body_is_malformed() -> None:
    with pytest.raises(TlsDecodeError, match="ServerHelloDone"):
        ServerHelloDone.from_bytes(handshake(14, b"\x00"))


def test_alert_three_ways_and_names() -> None:
    three_ways(Alert.from_bytes, b"\x02\x28", Alert(2, 40))
    alert = Alert(2, AlertDescription.handshake_failure)
    assert alert.name == "handshake_failure" and alert.fatal
    assert alert.to_bytes() == b"\x02\x28"
    assert Alert(2, 86).name == "inappropriate_fallback"
    assert Alert(2, 200).name == "alert_200"
    assert not Alert(1, AlertDescription.unrecognized_name).fatal


def test_record_three_ways_and_to_bytes() -> None:
    data = b"\x15\x03\x01\x00\x02\x02\x46"
    expected = Record(ContentType.alert, 0x0301, b"\x02\x46")
    three_ways(Record.from_bytes, data, expected)
    assert Record.from_bytes(memoryview(data)) == (expected, 7)
    assert expected.to_bytes() == data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"HTTP/1.1 400", "content type 0x48 is not a TLS content type"),
        (b"\x16\x03\x03\x48\x01", "record length 18433 > 18432"),
    ],
)
def test_record_header_errors(data: bytes, message: str) -> None:
    with pytest.raises(TlsDecodeError, match=message):
        Record.from_bytes(data)


def test_record_of_maximum_length_needs_its_payload() -> None:
    with pytest.raises(NeedMoreData):
        Record.from_bytes(b"\x17\x03\x03\x48\x00")
    assert Record.from_bytes(b"\x17\x03\x03\x48\x00" + bytes(18432))[1] == 18437


def test_record_to_bytes_refuses_a_payload_over_64k() -> None:
    with pytest.raises(ValueError, match="65535"):
        Record(23, 0x0303, bytes(70000)).to_bytes()


def test_sslv2_server_hello_decodes_kinds_and_certificate() -> None:
    body = (
        b"\x04\x00\x01\x00\x02"  # SERVER-HELLO, no session hit, X.509, version 2
        + b"\x00\x03\x00\x06\x00\x10"  # certificate 3, cipher specs 6, connection id 16
        + b"\x30\x01\x00"
        + b"\x01\x00\x80\x07\x00\xc0"
        + bytes(range(16))
    )
    hello = SSLv2ServerHello.parse_body(body)
    assert hello == SSLv2ServerHello(
        version=2,
        cipher_kinds=(0x010080, 0x0700C0),
        certificate=b"\x30\x01\x00",
        session_id_hit=False,
        certificate_type=1,
        connection_id=bytes(range(16)),
    )
    with pytest.raises(TlsDecodeError, match="not a SERVER-HELLO"):
        SSLv2ServerHello.parse_body(b"\x00" + body[1:])
    with pytest.raises(TlsDecodeError, match="% 3"):
        SSLv2ServerHello.parse_body(body[:7] + b"\x05" + body[8:])
