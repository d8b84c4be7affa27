"""What a server sends before the handshake turns encrypted, as frozen dataclasses.

Handshake messages decode with ``X.from_bytes(buf) -> (message, consumed)`` where ``buf``
starts with the 4-byte handshake header (RFC 8446 §4): ``NeedMoreData`` when it is short,
``TlsDecodeError`` when it is malformed. The ``ServerReader`` uses the same parsers on bodies it
has reassembled from records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, TypeAlias, TypeVar

from ._constants import (
    AlertDescription,
    AlertLevel,
    ExtensionType,
    HandshakeType,
    ProtocolVersion,
    name_of,
)
from ._cursor import Cursor
from ._errors import NeedMoreData, TlsDecodeError

__all__ = [
    "Alert",
    "Certificate",
    "ChangeCipherSpec",
    "EncryptedRecord",
    "OtherHandshake",
    "SSLv2Error",
    "SSLv2ServerHello",
    "ServerEvent",
    "ServerHello",
    "ServerHelloDone",
    "ServerKeyExchange",
]

# RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello with random SHA-256("HelloRetryRequest").
HELLO_RETRY_REQUEST_RANDOM = bytes.fromhex(
    "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"
)
# RFC 8446 §4.1.3: a TLS 1.3 server that negotiates an older version ends its random with these.
_DOWNGRADE_SENTINELS = {
    b"DOWNGRD\x01": "TLSv1.2",
    b"DOWNGRD\x00": "TLSv1.1 or below",
}

Extensions: TypeAlias = tuple[tuple[int, bytes], ...]


def split_handshake(buf: bytes | bytearray | memoryview, expected: int) -> tuple[bytes, int]:
    """The body of the handshake message of type ``expected`` at the start of ``buf``."""
    if len(buf) < 4:
        raise NeedMoreData(f"handshake header needs 4 bytes, have {len(buf)}")
    if buf[0] != expected:
        raise TlsDecodeError(
            f"expected {name_of(HandshakeType, expected)} handshake message, "
            f"got {name_of(HandshakeType, buf[0])}"
        )
    end = 4 + int.from_bytes(buf[1:4], "big")
    if len(buf) < end:
        raise NeedMoreData(f"handshake message needs {end} bytes, have {len(buf)}")
    return bytes(buf[4:end]), end


def _find(extensions: Extensions, ext_type: int) -> bytes | None:
    for candidate, data in extensions:
        if candidate == ext_type:
            return data
    return None


_H = TypeVar("_H", bound="_Handshake")


class _Handshake:
    """What every handshake message shares: its type, and decoding it with its header."""

    __slots__ = ()
    msg_type: ClassVar[int]

    @classmethod
    def from_bytes(cls: type[_H], buf: bytes | bytearray | memoryview) -> tuple[_H, int]:
        """Decode the whole handshake message (header included); ``(message, consumed)``."""
        body, consumed = split_handshake(buf, cls.msg_type)
        return cls.parse_body(body), consumed

    @classmethod
    def parse_body(cls: type[_H], body: bytes) -> _H:
        """Decode the body that follows the handshake header."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class ServerHello(_Handshake):
    """ServerHello or HelloRetryRequest (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3)."""

    legacy_version: int
    random: bytes
    session_id: bytes
    cipher_suite: int
    compression_method: int
    extensions: Extensions = ()

    msg_type: ClassVar[int] = HandshakeType.server_hello

    @classmethod
    def parse_body(cls, body: bytes) -> ServerHello:
        """Decode a ServerHello body (what follows the handshake header)."""
        c = Cursor(body, "ServerHello")
        legacy_version = c.u16("legacy_version")
        random = c.take(32, "random")
        session_id = c.vector(1, "session_id", maximum=32)
        cipher_suite = c.u16("cipher_suite")
        compression_method = c.u8("compression_method")
        extensions: Extensions = ()
        if c.remaining:  # SSLv3 and many TLS 1.0 servers send no extensions block at all
            extensions = c.sub(2, "extensions").extensions()
        c.expect_end()
        hello = cls(
            legacy_version, random, session_id, cipher_suite, compression_method, extensions
        )
        # Decode now what the properties decode later, so that a parsed hello never raises.
        _ = hello.selected_version, hello.key_share_group
        return hello

    def extension(self, ext_type: int) -> bytes | None:
        """The body of the first extension of ``ext_type``, or ``None``."""
        return _find(self.extensions, ext_type)

    @property
    def selected_version(self) -> ProtocolVersion | int:
        """The negotiated version: ``supported_versions`` if sent (TLS 1.3), else legacy_version."""
        data = self.extension(ExtensionType.supported_versions)
        if data is None:
            version = self.legacy_version
        elif len(data) != 2:
            raise TlsDecodeError(f"ServerHello: supported_versions is {len(data)} bytes, not 2")
        else:
            version = int.from_bytes(data, "big")
        try:
            return ProtocolVersion(version)
        except ValueError:
            return version

    @property
    def is_hello_retry_request(self) -> bool:
        """True for a HelloRetryRequest (RFC 8446 §4.1.3 special random)."""
        return self.random == HELLO_RETRY_REQUEST_RANDOM

    @property
    def downgrade_sentinel(self) -> str | None:
        """``"TLSv1.2"`` / ``"TLSv1.1 or below"`` if a TLS 1.3 server marked a downgrade."""
        return _DOWNGRADE_SENTINELS.get(self.random[-8:])

    @property
    def key_share_group(self) -> int | None:
        """The group of the server's key share (for a HelloRetryRequest, ``selected_group``)."""
        data = self.extension(ExtensionType.key_share)
        if data is None:
            return None
        c = Cursor(data, "ServerHello: key_share")
        group = c.u16("group")
        if not self.is_hello_retry_request:  # RFC 8446 §4.2.8: a KeyShareEntry follows
            c.vector(2, "key_exchange", minimum=1)
        c.expect_end()
        return group


@dataclass(frozen=True, slots=True)
class Certificate(_Handshake):
    """A TLS <= 1.2 Certificate message: the server's chain as DER (RFC 5246 §7.4.2)."""

    certificates: tuple[bytes, ...]

    msg_type: ClassVar[int] = HandshakeType.certificate

    @classmethod
    def parse_body(cls, body: bytes) -> Certificate:
        """Decode a Certificate body."""
        c = Cursor(body, "Certificate")
        chain = c.sub(3, "certificate_list")
        c.expect_end()
        certificates = []
        while chain.remaining:
            certificates.append(chain.vector(3, "ASN.1Cert", minimum=1))
        return cls(tuple(certificates))


@dataclass(frozen=True, slots=True)
class ServerKeyExchange(_Handshake):
    """ServerKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4), kept raw with what matters decoded.

    ``curve`` is the named group of an ECDHE exchange (``ECParameters.curve_type`` 3 =
    named_curve); ``dh_prime_bits`` the size of a DHE prime. The message does not say which
    exchange it is (the cipher suite does), so both layouts are tried and only one that
    accounts for every byte is believed; PSK, SRP or explicit curves leave both ``None``.
    """

    raw: bytes
    curve: int | None = None
    dh_prime_bits: int | None = None

    msg_type: ClassVar[int] = HandshakeType.server_key_exchange

    @classmethod
    def parse_body(cls, body: bytes) -> ServerKeyExchange:
        """Decode a ServerKeyExchange body; never fails, unknown layouts stay raw."""
        if len(body) >= 4 and body[0] == 3:
            point_end = 4 + body[3]
            if body[3] and point_end <= len(body) and _is_signature(body, point_end):
                return cls(body, curve=int.from_bytes(body[1:3], "big"))
        c = Cursor(body, "ServerKeyExchange")
        try:
            prime = c.vector(2, "dh_p", minimum=1)
            c.vector(2, "dh_g", minimum=1)
            c.vector(2, "dh_Ys", minimum=1)
        except TlsDecodeError:
            return cls(body)
        if not _is_signature(body, c.pos):
            return cls(body)
        return cls(body, dh_prime_bits=int.from_bytes(prime, "big").bit_length())


def _is_signature(body: bytes, start: int) -> bool:
    """Whether ``body[start:]`` is exactly one signature, as ServerKeyExchange ends.

    That is none (anonymous suites), a TLS <= 1.1 ``signature<0..2^16-1>``, or a TLS 1.2
    ``DigitallySigned`` with its 2-byte algorithm first (RFC 5246 §4.7).
    """
    rest = len(body) - start
    if rest == 0:
        return True
    if rest >= 2 and int.from_bytes(body[start : start + 2], "big") == rest - 2:
        return True
    return rest >= 4 and int.from_bytes(body[start + 2 : start + 4], "big") == rest - 4


@dataclass(frozen=True, slots=True)
class ServerHelloDone(_Handshake):
    """ServerHelloDone: the server's TLS <= 1.2 flight is complete (RFC 5246 §7.4.5)."""

    msg_type: ClassVar[int] = HandshakeType.server_hello_done

    @classmethod
    def parse_body(cls, body: bytes) -> ServerHelloDone:
        """Check the body is empty, as RFC 5246 §7.4.5 defines it."""
        if body:
            raise TlsDecodeError(f"ServerHelloDone: {len(body)} bytes of body, expected none")
        return cls()


@dataclass(frozen=True, slots=True)
class OtherHandshake:
    """Any other plaintext handshake message (CertificateRequest, CertificateStatus, ...)."""

    msg_type: int
    body: bytes

    @property
    def name(self) -> str:
        """The handshake type's name, e.g. ``"certificate_request"``."""
        return name_of(HandshakeType, self.msg_type)


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert (RFC 8446 §6, RFC 5246 §7.2)."""

    level: int
    description: int

    @classmethod
    def from_bytes(cls, buf: bytes | bytearray | memoryview) -> tuple[Alert, int]:
        """Decode the 2-byte alert at the start of an alert record's payload."""
        if len(buf) < 2:
            raise NeedMoreData(f"an alert is 2 bytes, have {len(buf)}")
        return cls(buf[0], buf[1]), 2

    def to_bytes(self) -> bytes:
        """The alert's two bytes."""
        return bytes((self.level, self.description))

    @property
    def name(self) -> str:
        """The description's name (``"handshake_failure"``), else ``"alert_<n>"``."""
        try:
            return AlertDescription(self.description).name
        except ValueError:
            return f"alert_{self.description}"

    @property
    def fatal(self) -> bool:
        """False only for warning-level alerts, after which a TLS <= 1.2 handshake goes on.

        Servers send ``unrecognized_name`` as a warning for an SNI they do not know.
        """
        return self.level != AlertLevel.warning


@dataclass(frozen=True, slots=True)
class ChangeCipherSpec:
    """A ChangeCipherSpec record (RFC 5246 §7.1; in TLS 1.3 only for compatibility, §D.4)."""


@dataclass(frozen=True, slots=True)
class EncryptedRecord:
    """A record the reader does not interpret: encrypted, application data or heartbeat.

    After a TLS 1.3 ServerHello (or any ChangeCipherSpec) everything but ChangeCipherSpec and
    plaintext alerts is reported like this. SSL 2.0 records have no content type: 0.
    """

    content_type: int
    length: int


@dataclass(frozen=True, slots=True)
class SSLv2ServerHello:
    """An SSL 2.0 SERVER-HELLO (draft-hickman-netscape-ssl-00 §2.6)."""

    version: int
    cipher_kinds: tuple[int, ...]
    certificate: bytes
    session_id_hit: bool = False
    certificate_type: int = 1
    connection_id: bytes = b""

    @classmethod
    def parse_body(cls, body: bytes) -> SSLv2ServerHello:
        """Decode a SERVER-HELLO message (starting with its message type byte, 4)."""
        c = Cursor(body, "SSLv2 SERVER-HELLO")
        if c.u8("message type") != 4:
            raise TlsDecodeError("SSLv2: not a SERVER-HELLO message")
        session_id_hit = c.u8("SESSION-ID-HIT") != 0
        certificate_type = c.u8("CERTIFICATE-TYPE")
        version = c.u16("SERVER-VERSION")
        certificate_length = c.u16("CERTIFICATE-LENGTH")
        specs_length = c.u16("CIPHER-SPECS-LENGTH")
        connection_id_length = c.u16("CONNECTION-ID-LENGTH")
        certificate = c.take(certificate_length, "CERTIFICATE-DATA")
        if specs_length % 3:
            raise TlsDecodeError(f"SSLv2 SERVER-HELLO: cipher specs length {specs_length} % 3")
        specs = c.take(specs_length, "CIPHER-SPECS-DATA")
        connection_id = c.take(connection_id_length, "CONNECTION-ID-DATA")
        c.expect_end()
        kinds = tuple(int.from_bytes(specs[i : i + 3], "big") for i in range(0, len(specs), 3))
        return cls(version, kinds, certificate, session_id_hit, certificate_type, connection_id)


_SSL2_ERRORS = {
    1: "NO-CIPHER-ERROR",
    2: "NO-CERTIFICATE-ERROR",
    4: "BAD-CERTIFICATE-ERROR",
    6: "UNSUPPORTED-CERTIFICATE-TYPE-ERROR",
}


@dataclass(frozen=True, slots=True)
class SSLv2Error:
    """An SSL 2.0 ERROR message, e.g. NO-CIPHER-ERROR when no offered cipher kind is shared."""

    code: int

    @property
    def name(self) -> str:
        """The error's name in the SSL 2.0 draft, else ``"error_<n>"``."""
        return _SSL2_ERRORS.get(self.code, f"error_{self.code}")


ServerEvent: TypeAlias = (
    ServerHello
    | Certificate
    | ServerKeyExchange
    | ServerHelloDone
    | OtherHandshake
    | Alert
    | ChangeCipherSpec
    | EncryptedRecord
    | SSLv2ServerHello
    | SSLv2Error
)
