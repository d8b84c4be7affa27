"""Sans-I/O TLS wire format: build ClientHellos, read what a server answers.

Nothing here opens a socket (the h11 model): ``build_client_hello(spec)`` returns the bytes to
send, and a ``ServerReader`` turns the bytes received into events. Probes move the bytes.

Typical use by a scanner (``sock`` is whatever moves the bytes)::

    spec = ClientHelloSpec(ProtocolVersion.TLSv1_2, (0xC02F, 0xC030), "example.com")
    sock.sendall(build_client_hello(spec))
    reader = ServerReader()
    while data := sock.recv(65536):
        reader.feed(data)
        while (event := reader.next_event()) is not None:
            ...  # ServerHello, Certificate, ..., ServerHelloDone or an Alert

``next_event`` raises only ``TlsDecodeError`` (a ``ValueError``): the reply is evidence about
the server, never a crash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._client_hello import (
    DEFAULT_GROUPS,
    DEFAULT_SIGNATURE_ALGORITHMS,
    SSL2_CIPHER_KINDS,
    ClientHelloSpec,
    build_client_hello,
    build_sslv2_client_hello,
)
from ._constants import (
    GREASE_VALUES,
    AlertDescription,
    AlertLevel,
    ContentType,
    ExtensionType,
    HandshakeType,
    NamedGroup,
    ProtocolVersion,
    SignatureScheme,
    is_grease,
    name_of,
)
from ._errors import NeedMoreData, TlsDecodeError
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
from ._records import Record
from ._server import MAX_HANDSHAKE_MESSAGE, ServerReader

if TYPE_CHECKING:
    from ._hello_parser import ClientHello, cipher_suites_of, parse_client_hello

__all__ = (
    "DEFAULT_GROUPS",
    "DEFAULT_SIGNATURE_ALGORITHMS",
    "GREASE_VALUES",
    "MAX_HANDSHAKE_MESSAGE",
    "SSL2_CIPHER_KINDS",
    "Alert",
    "AlertDescription",
    "AlertLevel",
    "Certificate",
    "ChangeCipherSpec",
    "ClientHello",
    "ClientHelloSpec",
    "ContentType",
    "EncryptedRecord",
    "ExtensionType",
    "HandshakeType",
    "NamedGroup",
    "NeedMoreData",
    "OtherHandshake",
    "ProtocolVersion",
    "Record",
    "SSLv2Error",
    "SSLv2ServerHello",
    "ServerEvent",
    "ServerHello",
    "ServerHelloDone",
    "ServerKeyExchange",
    "ServerReader",
    "SignatureScheme",
    "TlsDecodeError",
    "build_client_hello",
    "build_sslv2_client_hello",
    "cipher_suites_of",
    "is_grease",
    "name_of",
    "parse_client_hello",
)


def __getattr__(name: str) -> Any:
    # The ClientHello parser is for replays and tests; a scan does not pay for importing it.
    if name in ("ClientHello", "cipher_suites_of", "parse_client_hello"):
        from . import _hello_parser

        return getattr(_hello_parser, name)
    raise AttributeError(name)
