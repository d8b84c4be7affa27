"""Hex vectors and the h11-style helpers shared by the TLS tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from onedrive_doctor.tls import NeedMoreData, ServerEvent, ServerReader, TlsDecodeError


def _hex(*parts: str) -> bytes:
    return bytes.fromhex("".join(parts).replace(" ", ""))


def record(content_type: int, payload: bytes, version: int = 0x0303) -> bytes:
    return (
        bytes((content_type,))
        + version.to_bytes(2, "big")
        + len(payload).to_bytes(2, "big")
        + payload
    )


def handshake(msg_type: int, body: bytes) -> bytes:
    return bytes((msg_type,)) + len(body).to_bytes(3, "big") + body


# RFC 8448 §3 (Simple 1-RTT Handshake): the ClientHello and ServerHello handshake messages.
RFC8448_CLIENT_HELLO = _hex(
    "01 00 00 c0 03 03 cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2",
    "ef 62 83 02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b 00 09 00 00 06 73 65",
    "72 76 65 72 ff 01 00 01 00 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03",
    "01 04 00 23 00 00 00 33 00 26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba",
    "fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a af 2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04",
    "03 05 03 06 03 02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2d",
    "00 02 01 01 00 1c 00 02 40 01",
)
RFC8448_SERVER_HELLO = _hex(
    "02 00 00 56 03 03 a6 af 06 a4 12 18 60 dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14 34 da c1",
    "55 77 2e d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88 76 11 20 95 fe 66 76",
    "2b db f7 c6 72 e1 56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04",
)
RFC8448_SERVER_KEY_SHARE = _hex(
    "c9 82 88 76 11 20 95 fe 66 76 2b db f7 c6 72 e1",
    "56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f",
)
# RFC 8448 §5 (HelloRetryRequest): the server asks for a secp256r1 share and sends a cookie.
RFC8448_HELLO_RETRY_REQUEST = _hex(
    "02 00 00 ac 03 03 cf 21 ad 74 e5 9a 61 11 be 1d 8c 02 1e 65 b8 91 c2 a2 11 16 7a bb 8c 5e 07",
    "9e 09 e2 c8 a8 33 9c 00 13 01 00 00 84 00 33 00 02 00 17 00 2c 00 74 00 72 71 dc d0 4b b8 8b",
    "c3 18 91 19 39 8a 00 00 00 00 ee fa fc 76 c1 46 b8 23 b0 96 f8 aa ca d3 65 dd 00 30 95 3f 4e",
    "df 62 56 36 e5 f2 1b b2 e2 3f cc 65 4b 1b 5b 40 31 8d 10 d1 37 ab cb b8 75 74 e3 6e 8a 1f 02",
    "5f 7d fa 5d 6e 50 78 1b 5e da 4a a1 5b 0c 8b e7 78 25 7d 16 aa 30 30 e9 e7 84 1d d9 e4 c0 34",
    "22 67 e8 ca 0c af 57 1f b2 b7 cf f0 f9 34 b0 00 2b 00 02 03 04",
)

# A TLS 1.2 flight captured once from `openssl s_server -tls1_2 -cipher
# ECDHE-ECDSA-AES128-GCM-SHA256` (OpenSSL 3.0.19, self-signed P-256 certificate for
# CN=localhost) on 127.0.0.1, answering build_client_hello(TLSv1_2, (0xC02B,), "localhost"):
# ServerHello (renegotiation_info, ec_point_formats, extended_master_secret), Certificate,
# ServerKeyExchange (x25519, ecdsa_secp256r1_sha256) and ServerHelloDone, one record each.
OPENSSL_TLS12_SERVER_HELLO_RECORD = _hex(
    "160303005d02000059030390b270ad35095b38f25a5ac2cfc307fc2ba819bbab2c09e9cae8026bd8577ec720"
    "4a572dfe063d1f83986d07d948a71bcf274e193595e6a695f807a019a43a5872c02b000011ff01000100000b"
    "00040300010200170000"
)
OPENSSL_TLS12_CERTIFICATE_RECORD = _hex(
    "160303018c0b0001880001850001823082017e30820125a00302010202147e3ad48f8c7cb56159d105f7d666"
    "825a97e89235300a06082a8648ce3d04030230143112301006035504030c096c6f63616c686f73743020170d"
    "3236313132353233333633385a180f32313236313130313233333633385a30143112301006035504030c096c"
    "6f63616c686f73743059301306072a8648ce3d020106082a8648ce3d030107034200045e534aeeb2748c5782"
    "231ca61674e2064638e064280eaee101db945a3761849ddcfcf2b41c112cb8c3a2e21042128312bec1bca3a5"
    "283646346dc496d9c57ff0a3533051301d0603551d0e041604147d40154301c6271f83b0b53cfcf409f09c79"
    "5ec4301f0603551d230418301680147d40154301c6271f83b0b53cfcf409f09c795ec4300f0603551d130101"
    "ff040530030101ff300a06082a8648ce3d040302034700304402202797c10b1e043040d8b72563cea61543ad"
    "c1e9f333eff7c8c758765b74b793b402206551b4cf07415aeb6e012ea773792a5f9be1af22ef80e2d044f119"
    "9b59fb79a2"
)
OPENSSL_TLS12_SERVER_KEY_EXCHANGE_RECORD = _hex(
    "16030300730c00006f03001d20062ce735c5dd6f381d8b1f6893a7c7655d9103af9b2cd4ee5bc7bbd29907a2"
    "2504030047304502202e0f532d100aaee8d6e90b00571d5a6bd9ecd66f84c5c1600bd03b81af81ee62022100"
    "c10ffc14b89523b0ab0a31984e0b201e8e9717112af14242bdf65fd8b22bc1b8"
)
OPENSSL_TLS12_SERVER_HELLO_DONE_RECORD = _hex("16030300040e000000")
OPENSSL_TLS12_FLIGHT = (
    OPENSSL_TLS12_SERVER_HELLO_RECORD
    + OPENSSL_TLS12_CERTIFICATE_RECORD
    + OPENSSL_TLS12_SERVER_KEY_EXCHANGE_RECORD
    + OPENSSL_TLS12_SERVER_HELLO_DONE_RECORD
)


def three_ways(parse: Callable[[bytes], tuple[Any, int]], data: bytes, expected: Any) -> None:
    """h11's tr(): whole buffer; every shorter prefix needs more data; trailing bytes untouched."""
    assert parse(data) == (expected, len(data))
    for cut in range(len(data)):
        with pytest.raises(NeedMoreData):
            parse(data[:cut])
    assert parse(data + b"\x16\x03\x03trailing") == (expected, len(data))


def read_all(reader: ServerReader) -> list[ServerEvent]:
    events = []
    while (event := reader.next_event()) is not None:
        events.append(event)
    return events


def events_of(chunks: Iterable[bytes], *, expect_sslv2: bool = False) -> list[ServerEvent]:
    reader = ServerReader(expect_sslv2=expect_sslv2)
    events: list[ServerEvent] = []
    for chunk in chunks:
        reader.feed(chunk)
        events += read_all(reader)
    return events


def reader_three_ways(data: bytes, expected: list[ServerEvent], **kwargs: bool) -> None:
    """The same three ways for the incremental reader; ``buffered`` counts what is left."""
    assert events_of([data], **kwargs) == expected
    assert events_of([data[i : i + 1] for i in range(len(data))], **kwargs) == expected
    reader = ServerReader(**kwargs)
    trailing = b"\x16\x03\x03\x00"  # the start of a next record
    reader.feed(data + trailing)
    assert read_all(reader) == expected
    assert reader.buffered == len(trailing)


def decode_error(data: bytes, **kwargs: bool) -> TlsDecodeError:
    reader = ServerReader(**kwargs)
    reader.feed(data)
    with pytest.raises(TlsDecodeError) as info:
        read_all(reader)
    return info.value
