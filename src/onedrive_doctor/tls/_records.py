"""The TLS record layer (RFC 8446 §5.1, RFC 5246 §6.2): framing only, no crypto."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ._errors import NeedMoreData, TlsDecodeError

__all__ = ["Record"]

# RFC 8446 §5.1: a plaintext fragment is at most 2^14 bytes.
MAX_FRAGMENT = 1 << 14
# RFC 5246 §6.2.3: a TLS 1.2 ciphertext may add up to 2048 bytes (TLS 1.3 allows only 256), so
# this is the longest record any server version may legally send.
MAX_RECORD_PAYLOAD = MAX_FRAGMENT + 2048

_CONTENT_TYPES = frozenset((20, 21, 22, 23, 24))
_HEADER = struct.Struct(">BHH")


@dataclass(frozen=True, slots=True)
class Record:
    """One record: content type, the version in its header, and the (maybe encrypted) payload."""

    content_type: int
    version: int
    payload: bytes

    @classmethod
    def from_bytes(cls, buf: bytes | bytearray | memoryview) -> tuple[Record, int]:
        """Decode the record at the start of ``buf``; return it and the bytes consumed.

        Raises ``NeedMoreData`` when ``buf`` ends inside the record, and ``TlsDecodeError``
        when the content type is not a TLS one or the length exceeds 2^14 + 2048
        (RFC 5246 §6.2.3: ``record_overflow``).
        """
        if len(buf) < 5:
            raise NeedMoreData(f"record header needs 5 bytes, have {len(buf)}")
        content_type, version, length = _HEADER.unpack_from(buf)
        check_header(content_type, length)
        end = 5 + length
        if len(buf) < end:
            raise NeedMoreData(f"record needs {end} bytes, have {len(buf)}")
        return cls(content_type, version, bytes(buf[5:end])), end

    def to_bytes(self) -> bytes:
        """The record on the wire (header + payload).

        Raises ``ValueError`` when the payload does not fit the 16-bit length field.
        """
        if len(self.payload) > 0xFFFF:
            raise ValueError(f"record payload of {len(self.payload)} bytes exceeds 65535")
        return _HEADER.pack(self.content_type, self.version, len(self.payload)) + self.payload


def check_header(content_type: int, length: int) -> None:
    """Raise ``TlsDecodeError`` for a header no TLS server can send."""
    if content_type not in _CONTENT_TYPES:
        raise TlsDecodeError(f"record content type 0x{content_type:02x} is not a TLS content type")
    if length > MAX_RECORD_PAYLOAD:
        raise TlsDecodeError(f"record length {length} > {MAX_RECORD_PAYLOAD} (record_overflow)")


def encode_records(content_type: int, version: int, payload: bytes) -> bytes:
    """``payload`` as one or more records of at most 2^14 bytes each (RFC 8446 §5.1)."""
    if len(payload) <= MAX_FRAGMENT:
        return _HEADER.pack(content_type, version, len(payload)) + payload
    return b"".join(
        _HEADER.pack(content_type, version, len(chunk)) + chunk
        for chunk in (payload[i : i + MAX_FRAGMENT] for i in range(0, len(payload), MAX_FRAGMENT))
    )
