"""A bounds-checked reader over one fully-buffered structure.

Every read names the field it reads, so a short or inconsistent server message becomes a
``TlsDecodeError`` that says *which* length was wrong, never an ``IndexError`` or
``struct.error`` (the reader's contract: only ``TlsDecodeError`` escapes).
"""

from __future__ import annotations

from ._errors import TlsDecodeError

__all__ = ["Cursor"]


class Cursor:
    """Reads big-endian integers and length-prefixed vectors (RFC 8446 §3.4) from ``data``."""

    __slots__ = ("data", "end", "pos", "what")

    def __init__(self, data: bytes, what: str, pos: int = 0, end: int | None = None) -> None:
        self.data = data
        self.what = what
        self.pos = pos
        self.end = len(data) if end is None else end

    @property
    def remaining(self) -> int:
        """Bytes left before ``end``."""
        return self.end - self.pos

    def _need(self, n: int, field: str) -> int:
        start = self.pos
        if n > self.end - start:
            raise TlsDecodeError(
                f"{self.what}: {field} truncated (needs {n} bytes, {self.end - start} left)"
            )
        self.pos = start + n
        return start

    def u8(self, field: str) -> int:
        """One byte."""
        return self.data[self._need(1, field)]

    def u16(self, field: str) -> int:
        """A 16-bit integer."""
        i = self._need(2, field)
        return (self.data[i] << 8) | self.data[i + 1]

    def u24(self, field: str) -> int:
        """A 24-bit integer."""
        i = self._need(3, field)
        return (self.data[i] << 16) | (self.data[i + 1] << 8) | self.data[i + 2]

    def take(self, n: int, field: str) -> bytes:
        """``n`` raw bytes."""
        i = self._need(n, field)
        return self.data[i : i + n]

    def vector(self, length_bytes: int, field: str, minimum: int = 0, maximum: int = -1) -> bytes:
        """A vector with a ``length_bytes``-byte length prefix (``opaque x<minimum..maximum>``)."""
        n = self._length(length_bytes, field, minimum, maximum)
        return self.take(n, field)

    def sub(self, length_bytes: int, field: str, minimum: int = 0, maximum: int = -1) -> Cursor:
        """A cursor over a length-prefixed vector; this cursor moves past it."""
        n = self._length(length_bytes, field, minimum, maximum)
        start = self._need(n, field)
        return Cursor(self.data, f"{self.what}: {field}", start, start + n)

    def _length(self, length_bytes: int, field: str, minimum: int, maximum: int) -> int:
        if length_bytes == 1:
            n = self.u8(f"{field} length")
        elif length_bytes == 2:
            n = self.u16(f"{field} length")
        else:
            n = self.u24(f"{field} length")
        if n < minimum:
            raise TlsDecodeError(f"{self.what}: {field} length {n} < {minimum}")
        if 0 <= maximum < n:
            raise TlsDecodeError(f"{self.what}: {field} length {n} > {maximum}")
        return n

    def u16_list(self, field: str) -> tuple[int, ...]:
        """The rest of this cursor as 16-bit integers (an even number of bytes)."""
        if self.remaining % 2:
            raise TlsDecodeError(f"{self.what}: {field} has an odd length {self.remaining}")
        data, start = self.data, self.pos
        self.pos = self.end
        return tuple((data[i] << 8) | data[i + 1] for i in range(start, self.end, 2))

    def extensions(self) -> tuple[tuple[int, bytes], ...]:
        """The rest of this cursor as ``Extension`` structs (RFC 8446 §4.2): (type, body)."""
        found = []
        while self.remaining:
            ext_type = self.u16("extension type")
            found.append((ext_type, self.vector(2, f"extension {ext_type} body")))
        return tuple(found)

    def expect_end(self) -> None:
        """Raise unless every byte was read (trailing bytes mean a length field lied)."""
        if self.pos != self.end:
            raise TlsDecodeError(f"{self.what}: {self.end - self.pos} unexpected trailing bytes")
