"""ServerReader: whole flights, byte by byte, reassembly, mode switches and refusals."""

from __future__ import annotations

import pytest
from tls_vectors import (
    OPENSSL_TLS12_CERTIFICATE_RECORD,
    OPENSSL_TLS12_FLIGHT,
    OPENSSL_TLS12_SERVER_HELLO_DONE_RECORD,
    OPENSSL_TLS12_SERVER_HELLO_RECORD,
    OPENSSL_TLS12_SERVER_KEY_EXCHANGE_RECORD,
    RFC8448_HELLO_RETRY_REQUEST,
    RFC8448_SERVER_HELLO,
    decode_error,
    events_of,
    handshake,
    read_all,
    reader_three_ways,
    record,
)

from onedrive_doctor.tls import (
    MAX_HANDSHAKE_MESSAGE,
    Alert,
    Certificate,
    ChangeCipherSpec,
    EncryptedRecord,
    OtherHandshake,
    ProtocolVersion,
    ServerEvent,
    ServerHello,
    ServerHelloDone,
    ServerKeyExchange,
    ServerReader,
    SSLv2Error,
    SSLv2ServerHello,
)

HANDSHAKE_MESSAGES = b"".join(
    r[5:]
    for r in (
        OPENSSL_TLS12_SERVER_HELLO_RECORD,
        OPENSSL_TLS12_CERTIFICATE_RECORD,
        OPENSSL_TLS12_SERVER_KEY_EXCHANGE_RECORD,
        OPENSSL_TLS12_SERVER_HELLO_DONE_RECORD,
    )
)


def _tls12_events() -> list[ServerEvent]:
    return [
        ServerHello.from_bytes(OPENSSL_TLS12_SERVER_HELLO_RECORD[5:])[0],
        Certificate.from_bytes(OPENSSL_TLS12_CERTIFICATE_RECORD[5:])[0],
        ServerKeyExchange.from_bytes(OPENSSL_TLS12_SERVER_KEY_EXCHANGE_RECORD[5:])[0],
        ServerHelloDone(),
    ]


def test_openssl_tls12_flight_three_ways() -> None:
    reader_three_ways(OPENSSL_TLS12_FLIGHT, _tls12_events())


@pytest.mark.parametrize("fragment", [1, 7, 100, 4096])
def test_handshake_messages_spanning_records_are_reassembled(fragment: int) -> None:
    records = b"".join(
        record(22, HANDSHAKE_MESSAGES[i : i + fragment])
        for i in range(0, len(HANDSHAKE_MESSAGES), fragment)
    )
    reader_three_ways(records, _tls12_events())


def test_several_handshake_messages_in_one_record_are_split() -> None:
    reader_three_ways(record(22, HANDSHAKE_MESSAGES), _tls12_events())


def test_reader_reports_the_negotiated_version_and_hello() -> None:
    reader = ServerReader()
    assert reader.version is None and reader.server_hello is None
    reader.feed(OPENSSL_TLS12_FLIGHT)
    events = read_all(reader)
    assert reader.server_hello == events[0]
    assert reader.version is ProtocolVersion.TLSv1_2
    assert not reader.encrypted


def test_tls13_server_hello_turns_later_records_into_encrypted_records() -> None:
    flight = (
        record(22, RFC8448_SERVER_HELLO)
        + record(20, b"\x01")  # middlebox-compatibility CCS (RFC 8446 §D.4)
        + record(23, bytes(40))
        + record(22, b"\x08\x00\x00\x02\x00\x00")  # plaintext handshake is not parsed any more
        + record(21, b"\x02\x28")  # but a plaintext alert still is
        + record(21, bytes(19))  # an encrypted alert is not
    )
    hello = ServerHello.from_bytes(RFC8448_SERVER_HELLO)[0]
    expected: list[ServerEvent] = [
        hello,
        ChangeCipherSpec(),
        EncryptedRecord(23, 40),
        EncryptedRecord(22, 6),
        Alert(2, 40),
        EncryptedRecord(21, 19),
    ]
    reader_three_ways(flight, expected)


def test_hello_retry_request_keeps_the_reader_in_plaintext() -> None:
    flight = record(22, RFC8448_HELLO_RETRY_REQUEST) + record(21, b"\x02\x2f")
    events = events_of([flight])
    assert isinstance(events[0], ServerHello) and events[0].is_hello_retry_request
    assert events[1] == Alert(2, 47)


def test_tls13_server_hello_must_end_its_record() -> None:
    error = decode_error(record(22, RFC8448_SERVER_HELLO + b"\x08\x00\x00\x00"))
    assert "follow the TLS 1.3 ServerHello" in error.message


def test_tls12_change_cipher_spec_hides_the_finished_message() -> None:
    flight = record(22, handshake(4, b"ticket")) + record(20, b"\x01") + record(22, bytes(40))
    ticket = OtherHandshake(4, b"ticket")
    reader_three_ways(flight, [ticket, ChangeCipherSpec(), EncryptedRecord(22, 40)])
    assert ticket.name == "new_session_ticket"


def test_alerts_two_in_one_record_and_warning_before_the_flight() -> None:
    flight = record(21, b"\x01\x70") + OPENSSL_TLS12_FLIGHT + record(21, b"\x01\x00\x02\x28")
    reader_three_ways(flight, [Alert(1, 112), *_tls12_events(), Alert(1, 0), Alert(2, 40)])
    assert not Alert(1, 112).fatal


def test_alert_between_fragments_of_a_handshake_message() -> None:
    flight = record(22, HANDSHAKE_MESSAGES[:50]) + record(21, b"\x01\x70")
    flight += record(22, HANDSHAKE_MESSAGES[50:])
    assert events_of([flight]) == [Alert(1, 112), *_tls12_events()]


def test_application_data_and_heartbeat_are_reported_by_size() -> None:
    reader_three_ways(
        record(23, b"abc") + record(24, b"\x01\x00"),
        [EncryptedRecord(23, 3), EncryptedRecord(24, 2)],
    )


@pytest.mark.parametrize(
    ("reply", "hint"),
    [
        (b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n", "plain HTTP server"),
        (b"SSH-2.0-OpenSSH_9.6\r\n", "SSH server"),
        (b"\x80\x2a\x04\x00\x01\x00\x02", "SSL 2.0 SERVER-HELLO"),
        (b"220 smtp.example.com ESMTP\r\n", ""),
    ],
)
def test_a_reply_that_is_not_tls_is_named_with_an_excerpt(reply: bytes, hint: str) -> None:
    message = decode_error(reply).message
    assert message.startswith("the server reply is not TLS")
    assert hint in message
    assert repr(reply[:12])[:-1] in message  # a printable excerpt of what came back


@pytest.mark.parametrize(
    ("flight", "message"),
    [
        (b"\x16\x03\x03\x48\x01", "record_overflow"),
        (OPENSSL_TLS12_SERVER_HELLO_RECORD + b"\x48\x03\x03\x00\x01\x00", "content type 0x48"),
        (record(21, b"\x02"), "alert record of 1 bytes"),
        (record(21, b""), "alert record of 0 bytes"),
        (record(20, b"\x02"), "ChangeCipherSpec payload"),
        (record(22, b"\x0b\x00\x00\x10\x00") + record(20, b"\x01"), "middle of a handshake"),
        (record(22, b"\x0b\x04\x00\x01"), "handshake message too large: certificate"),
        (record(22, handshake(2, b"\x03\x03")), "ServerHello: random truncated"),
        (record(22, handshake(14, b"\x00")), "ServerHelloDone"),
    ],
)
def test_malformed_flights_raise_a_decode_error_that_says_why(flight: bytes, message: str) -> None:
    assert message in decode_error(flight).message


def test_oversized_handshake_message_is_refused_from_its_header() -> None:
    reader = ServerReader()
    reader.feed(record(22, handshake(11, b"")[:1] + (MAX_HANDSHAKE_MESSAGE + 1).to_bytes(3, "big")))
    with pytest.raises(Exception, match="too large") as info:
        reader.next_event()
    assert type(info.value).__name__ == "TlsDecodeError"


def test_largest_allowed_handshake_message_spans_many_records() -> None:
    body = b"\x00" * MAX_HANDSHAKE_MESSAGE
    message = handshake(13, body)
    records = b"".join(record(22, message[i : i + 16384]) for i in range(0, len(message), 16384))
    assert events_of([records]) == [OtherHandshake(13, body)]


def test_error_is_sticky_and_events_before_it_are_delivered() -> None:
    reader = ServerReader()
    reader.feed(OPENSSL_TLS12_SERVER_HELLO_RECORD + b"GET / HTTP/1.1\r\n")
    assert isinstance(reader.next_event(), ServerHello)
    with pytest.raises(ValueError, match="content type") as first:
        reader.next_event()
    reader.feed(OPENSSL_TLS12_CERTIFICATE_RECORD)
    with pytest.raises(ValueError) as again:
        reader.next_event()
    assert again.value is first.value


def test_nothing_fed_means_need_more_data() -> None:
    reader = ServerReader()
    assert reader.next_event() is None
    reader.feed(b"")
    assert reader.next_event() is None
    assert reader.buffered == 0


def test_buffered_counts_a_cut_off_reply() -> None:
    reader = ServerReader()
    reader.feed(OPENSSL_TLS12_FLIGHT[:300])
    events = read_all(reader)
    assert [type(e) for e in events] == [ServerHello]
    assert reader.buffered == 300 - len(OPENSSL_TLS12_SERVER_HELLO_RECORD)


SSL2_SERVER_HELLO = (
    b"\x04\x00\x01\x00\x02\x00\x03\x00\x03\x00\x10" + b"\x30\x01\x00" + b"\x01\x00\x80" + bytes(16)
)


def test_sslv2_server_hello_three_ways() -> None:
    reply = (0x8000 | len(SSL2_SERVER_HELLO)).to_bytes(2, "big") + SSL2_SERVER_HELLO
    reply += b"\x80\x05" + bytes(5) + b"\x00\x21\x07" + bytes(0x21)  # encrypted records follow
    expected: list[ServerEvent] = [
        SSLv2ServerHello(2, (0x010080,), b"\x30\x01\x00", False, 1, bytes(16)),
        EncryptedRecord(0, 5),
        EncryptedRecord(0, 0x21),
    ]
    reader_three_ways(reply, expected, expect_sslv2=True)
    reader = ServerReader(expect_sslv2=True)
    reader.feed(reply)
    read_all(reader)
    assert reader.version is ProtocolVersion.SSLv2


def test_sslv2_error_reply() -> None:
    error = events_of([b"\x80\x03\x00\x00\x01"], expect_sslv2=True)
    assert error == [SSLv2Error(1)]
    assert error[0].name == "NO-CIPHER-ERROR"  # type: ignore[union-attr]
    assert SSLv2Error(9).name == "error_9"


def test_expect_sslv2_still_reads_a_tls_reply() -> None:
    alert = record(21, b"\x02\x46", version=0x0301)
    assert events_of([alert], expect_sslv2=True) == [Alert(2, 70)]


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (b"\x80\x00\x00", "length 0"),
        (b"\x80\x03\x02\x00\x01", "message type 2"),
        (b"\x80\x05\x04\x00\x01\x00\x02", "SERVER-HELLO: CERTIFICATE-LENGTH truncated"),
    ],
)
def test_malformed_sslv2_replies(reply: bytes, message: str) -> None:
    assert message in decode_error(reply, expect_sslv2=True).message


def test_a_bug_in_a_parser_still_surfaces_as_a_decode_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(body: bytes) -> Certificate:
        raise IndexError("oops")

    monkeypatch.setattr(Certificate, "parse_body", broken)
    error = decode_error(OPENSSL_TLS12_FLIGHT)
    assert error.message.startswith("internal error decoding the server reply")
    assert isinstance(error.__cause__, IndexError)
