"""``ServerReader``: server bytes in, events out, no I/O (h11's ``receive_data``/``next_event``).

Strategy: raw bytes wait in ``_buffer``; whole records are cut from its front. Handshake
records are concatenated into ``_handshake`` and whole messages are cut from *its* front before
the next record is read, so a message split over records and several messages in one record
both come out one event at a time, in wire order, whatever the chunking of ``feed``. Alerts of
one record are queued. After a TLS 1.3 ServerHello or a ChangeCipherSpec the payloads are
ciphertext and are reported only by size.
"""

from __future__ import annotations

import struct
from collections import deque

from ._constants import ContentType, ExtensionType, HandshakeType, ProtocolVersion, name_of
from ._errors import TlsDecodeError
from ._messages import (
    Alert,
    Certificate,
    ChangeCipherSpec,
    EncryptedRecord,
    OtherHandshake,
    ServerEvent,
    ServerHello,
    ServerHelloDone,
    ServerKeyExchange,
    SSLv2Error,
    SSLv2ServerHello,
)
from ._records import check_header

__all__ = ["MAX_HANDSHAKE_MESSAGE", "ServerReader"]

# A handshake message may declare up to 2^24 - 1 bytes (RFC 8446 §4), but nothing a scanner
# reads comes close: the longest real certificate chains are tens of KiB. Refusing more keeps a
# hostile or broken server from making the reader buffer 16 MiB.
MAX_HANDSHAKE_MESSAGE = 256 * 1024

_HEADER = struct.Struct(">BHH")
_TLS_CONTENT_TYPES = frozenset(ContentType)
_START, _TLS, _SSLV2 = "start", "tls", "sslv2"


class ServerReader:
    """Turns what a server sends in reply to a ClientHello into events, without doing I/O.

    Call ``feed(data)`` with whatever the socket produced, then ``next_event()`` until it
    returns ``None`` (it needs more bytes). Events, in wire order: ``ServerHello``,
    ``Certificate``, ``ServerKeyExchange``, ``ServerHelloDone``, ``OtherHandshake``, ``Alert``,
    ``ChangeCipherSpec``, ``EncryptedRecord``; with ``expect_sslv2=True`` a reply whose first
    byte has the high bit set is read as SSL 2.0 (``SSLv2ServerHello`` or ``SSLv2Error``).

    ``next_event`` raises only ``TlsDecodeError``: for bytes that are not TLS at all (an HTTP or
    SSH server on the port), malformed messages, or a handshake message over
    ``MAX_HANDSHAKE_MESSAGE``. After that error the reader is spent and raises it again.
    """

    def __init__(self, *, expect_sslv2: bool = False) -> None:
        self._expect_sslv2 = expect_sslv2
        self._buffer = bytearray()
        self._handshake = bytearray()
        self._queue: deque[ServerEvent] = deque()
        self._mode = _START
        self._encrypted = False
        self._sslv2_first_seen = False
        self._server_hello: ServerHello | None = None
        self._error: TlsDecodeError | None = None

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Add bytes received from the server."""
        self._buffer += data

    @property
    def buffered(self) -> int:
        """Bytes received but not yet returned as events (nonzero at EOF: a cut-off reply)."""
        return len(self._buffer) + len(self._handshake)

    @property
    def server_hello(self) -> ServerHello | None:
        """The last ServerHello (or HelloRetryRequest) returned so far."""
        return self._server_hello

    @property
    def version(self) -> ProtocolVersion | int | None:
        """The version the server selected, once known (``SSLv2`` for an SSL 2.0 reply)."""
        if self._mode == _SSLV2 and self._sslv2_first_seen:
            return ProtocolVersion.SSLv2
        return None if self._server_hello is None else self._server_hello.selected_version

    @property
    def encrypted(self) -> bool:
        """True once later records can only be ciphertext."""
        return self._encrypted

    def next_event(self) -> ServerEvent | None:
        """The next event, or ``None`` when more bytes are needed."""
        if self._error is not None:
            raise self._error
        try:
            return self._next_event()
        except TlsDecodeError as exc:
            self._error = exc
            raise
        except Exception as exc:  # a bug here must still look like "server sent garbage"
            self._error = TlsDecodeError(f"internal error decoding the server reply: {exc!r}")
            raise self._error from exc

    def _next_event(self) -> ServerEvent | None:
        while True:
            if self._queue:
                return self._queue.popleft()
            buf = self._buffer
            if self._mode == _START:
                if not buf:
                    return None
                self._mode = self._detect(buf[0])
            if self._mode == _SSLV2:
                return self._next_sslv2()
            event = self._next_handshake_message()
            if event is not None:
                return event
            if len(buf) < 5:
                return None
            content_type, _version, length = _HEADER.unpack_from(buf)
            check_header(content_type, length)
            end = 5 + length
            if len(buf) < end:
                return None
            payload = bytes(buf[5:end])
            del buf[:end]
            self._on_record(content_type, payload)

    def _detect(self, first: int) -> str:
        if self._expect_sslv2 and first & 0x80:
            return _SSLV2
        if first in _TLS_CONTENT_TYPES:
            return _TLS
        excerpt = bytes(self._buffer[:48])
        hint = ""
        if excerpt.startswith(b"HTTP/"):
            hint = " (a plain HTTP server?)"
        elif excerpt.startswith(b"SSH-"):
            hint = " (an SSH server?)"
        elif first & 0x80 and len(excerpt) > 2 and excerpt[2] == 4:
            hint = " (looks like an SSL 2.0 SERVER-HELLO; read it with expect_sslv2=True)"
        raise TlsDecodeError(f"the server reply is not TLS{hint}: it starts {excerpt!r}")

    def _on_record(self, content_type: int, payload: bytes) -> None:
        if content_type == ContentType.change_cipher_spec:
            if payload != b"\x01":  # RFC 5246 §7.1; RFC 8446 §5 requires exactly 0x01
                raise TlsDecodeError(f"ChangeCipherSpec payload is {payload[:8]!r}, not b'\\x01'")
            if self._handshake:  # RFC 8446 §5.1: messages must not span a key change
                raise TlsDecodeError("ChangeCipherSpec in the middle of a handshake message")
            self._encrypted = True
            self._queue.append(ChangeCipherSpec())
        elif content_type == ContentType.alert:
            if self._encrypted and len(payload) != 2:
                self._queue.append(EncryptedRecord(content_type, len(payload)))
            elif not payload or len(payload) % 2:
                raise TlsDecodeError(f"alert record of {len(payload)} bytes (alerts are 2 bytes)")
            else:
                self._queue.extend(
                    Alert(payload[i], payload[i + 1]) for i in range(0, len(payload), 2)
                )
        elif content_type == ContentType.handshake and not self._encrypted:
            self._handshake += payload
        else:
            self._queue.append(EncryptedRecord(content_type, len(payload)))

    def _next_handshake_message(self) -> ServerEvent | None:
        hs = self._handshake
        if len(hs) < 4:
            return None
        msg_type = hs[0]
        length = (hs[1] << 16) | (hs[2] << 8) | hs[3]
        if length > MAX_HANDSHAKE_MESSAGE:
            raise TlsDecodeError(
                f"handshake message too large: {name_of(HandshakeType, msg_type)} declares "
                f"{length} bytes (limit {MAX_HANDSHAKE_MESSAGE})"
            )
        if len(hs) < 4 + length:
            return None
        body = bytes(hs[4 : 4 + length])
        del hs[: 4 + length]
        if msg_type == HandshakeType.server_hello:
            return self._on_server_hello(ServerHello.parse_body(body))
        if msg_type == HandshakeType.certificate:
            return Certificate.parse_body(body)
        if msg_type == HandshakeType.server_key_exchange:
            return ServerKeyExchange.parse_body(body)
        if msg_type == HandshakeType.server_hello_done:
            return ServerHelloDone.parse_body(body)
        return OtherHandshake(msg_type, body)

    def _on_server_hello(self, hello: ServerHello) -> ServerHello:
        self._server_hello = hello
        # supported_versions: only a TLS 1.3 server sends it (RFC 8446 §4.2.1).
        negotiated = hello.extension(ExtensionType.supported_versions)
        if (
            negotiated is not None
            and not hello.is_hello_retry_request
            and int.from_bytes(negotiated, "big") > ProtocolVersion.TLSv1_2
        ):
            if self._handshake:  # RFC 8446 §5.1: the key change must be a record boundary
                raise TlsDecodeError(
                    f"{len(self._handshake)} handshake bytes follow the TLS 1.3 ServerHello "
                    "in its record"
                )
            self._encrypted = True
        return hello

    def _next_sslv2(self) -> ServerEvent | None:
        buf = self._buffer
        if len(buf) < 3:
            return None
        if buf[0] & 0x80:  # 2-byte header; else 3-byte header with a padding count
            header, length = 2, ((buf[0] & 0x7F) << 8) | buf[1]
        else:
            header, length = 3, ((buf[0] & 0x3F) << 8) | buf[1]
        if length == 0:
            raise TlsDecodeError("SSLv2: record of length 0")
        if len(buf) < header + length:
            return None
        data = bytes(buf[header : header + length])
        del buf[: header + length]
        if self._sslv2_first_seen:
            return EncryptedRecord(0, length)
        self._sslv2_first_seen = True
        if data[0] == 4:
            return SSLv2ServerHello.parse_body(data)
        if data[0] == 0 and len(data) == 3:
            return SSLv2Error(int.from_bytes(data[1:3], "big"))
        raise TlsDecodeError(f"SSLv2: message type {data[0]} where SERVER-HELLO was expected")
