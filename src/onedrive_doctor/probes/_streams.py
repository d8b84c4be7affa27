"""Byte streams for probes: plain TCP, TLS over any stream (``ssl.MemoryBIO``), HTTP CONNECT.

TLS runs over memory BIOs rather than ``StreamWriter.start_tls`` so that it works the same over
a direct socket and inside a proxy tunnel, on every Python from 3.10.
"""

from __future__ import annotations

import asyncio
import base64
import contextvars
import ssl
import time
from dataclasses import dataclass, field

from ._tasks import wait_for

__all__ = [
    "DEADLINE",
    "ConnectRefused",
    "HttpHead",
    "ProxyAuthRequired",
    "ProxyError",
    "Stream",
    "TlsStream",
    "bounded",
    "budget_gone",
    "open_tcp",
    "proxy_connect",
    "read_head",
]

_MAX_HEAD = 64 * 1024
_CHUNK = 16 * 1024

#: The run's end (``time.monotonic()``), set once by the caller for every task it starts. Every
#: network operation is bounded by it as well as by its own timeout, so a cancellation that
#: ``asyncio.wait_for`` drops (Python 3.11, when the inner read had already finished) cannot let a
#: read loop run past the budget: the next operation finds the deadline gone and stops.
DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)


def budget_gone() -> bool:
    """Whether the run's deadline has passed (a timeout then is the budget's, not the peer's)."""
    deadline = DEADLINE.get()
    return deadline is not None and time.monotonic() >= deadline


def bounded(timeout: float) -> float:
    """``timeout`` cut to what is left of the run; ``TimeoutError`` when nothing is left."""
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise asyncio.TimeoutError("stopped: the run's time budget ran out")
    return min(timeout, left)


class ProxyError(Exception):
    """The proxy answered CONNECT with something other than 200."""

    def __init__(self, status: int, reason: str, headers: dict[str, str]) -> None:
        super().__init__(f"proxy answered CONNECT with HTTP {status} {reason}".strip())
        self.status = status
        self.reason = reason
        self.headers = headers


class ProxyAuthRequired(ProxyError):
    """HTTP 407: the proxy wants credentials (``Proxy-Authenticate`` names the schemes)."""


class ConnectRefused(Exception):
    """The peer closed or reset the connection before answering."""


class Stream:
    """A plain TCP stream with per-operation timeouts."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, timeout: float
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.timeout = timeout

    async def write(self, data: bytes) -> None:
        """Send all of ``data``."""
        self.writer.write(data)
        limit = bounded(self.timeout)
        await wait_for(self.writer.drain(), limit)

    async def read(self, limit: int = _CHUNK) -> bytes:
        """Up to ``limit`` bytes; ``b""`` at end of stream."""
        timeout = bounded(self.timeout)  # first: no read is started past the deadline
        return await wait_for(self.reader.read(limit), timeout)

    def peer(self) -> str | None:
        """The address actually connected to."""
        name = self.writer.get_extra_info("peername")
        return f"{name[0]}:{name[1]}" if name else None

    def close(self) -> None:
        """Close without waiting for the peer."""
        self.writer.close()


async def open_tcp(address: str, port: int, timeout: float) -> Stream:
    """Open a TCP connection; ``OSError`` or ``asyncio.TimeoutError`` on failure."""
    limit = bounded(timeout)
    reader, writer = await wait_for(asyncio.open_connection(address, port), limit)
    return Stream(reader, writer, timeout)


class TlsStream:
    """TLS on top of a :class:`Stream` (direct or tunnelled), via ``ssl.SSLObject``."""

    def __init__(self, raw: Stream, context: ssl.SSLContext, server_hostname: str | None) -> None:
        self.raw = raw
        self._in = ssl.MemoryBIO()
        self._out = ssl.MemoryBIO()
        self.ssl = context.wrap_bio(self._in, self._out, server_hostname=server_hostname)

    async def _pump_out(self) -> None:
        data = self._out.read()
        if data:
            await self.raw.write(data)

    async def _pump_in(self) -> None:
        data = await self.raw.read()
        if data:
            self._in.write(data)
        else:
            self._in.write_eof()

    async def handshake(self) -> None:
        """Run the TLS handshake; ``ssl.SSLError`` (incl. verification errors) on failure."""
        while True:
            try:
                self.ssl.do_handshake()
                await self._pump_out()
                return
            except ssl.SSLWantReadError:
                await self._pump_out()
                await self._pump_in()

    async def write(self, data: bytes) -> None:
        """Encrypt and send ``data``."""
        self.ssl.write(data)
        await self._pump_out()

    async def read(self, limit: int = _CHUNK) -> bytes:
        """Up to ``limit`` decrypted bytes; ``b""`` at end of stream."""
        while True:
            try:
                return self.ssl.read(limit)
            except ssl.SSLWantReadError:
                await self._pump_out()
                await self._pump_in()
            except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                return b""

    def peer(self) -> str | None:
        """The address actually connected to."""
        return self.raw.peer()

    def close(self) -> None:
        """Close the underlying connection."""
        self.raw.close()


@dataclass
class HttpHead:
    """A parsed HTTP response head, plus whatever body bytes followed it."""

    status: int
    reason: str
    headers: dict[str, str] = field(default_factory=dict)
    rest: bytes = b""


async def read_head(stream: Stream | TlsStream) -> HttpHead:
    """Read and parse an HTTP/1.x response head; ``ValueError`` when it is not HTTP."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = await stream.read()
        if not chunk:
            if not buf:
                raise ConnectRefused("the connection was closed before any answer")
            break
        buf += chunk
        if len(buf) > _MAX_HEAD:
            raise ValueError("HTTP response head is larger than 64 KiB")
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ValueError(f"not an HTTP response: {lines[0][:80]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    return HttpHead(int(parts[1]), parts[2] if len(parts) > 2 else "", headers, rest)


async def proxy_connect(
    stream: Stream, host: str, port: int, credentials: tuple[str, str] | None
) -> None:
    """Ask an HTTP proxy for a tunnel to ``host:port``; ``ProxyError`` when it says no."""
    authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}"]
    if credentials:
        token = base64.b64encode(f"{credentials[0]}:{credentials[1]}".encode()).decode()
        lines.append(f"Proxy-Authorization: Basic {token}")
    await stream.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    head = await read_head(stream)
    if head.status == 407:
        raise ProxyAuthRequired(head.status, head.reason, head.headers)
    if not 200 <= head.status < 300:
        raise ProxyError(head.status, head.reason, head.headers)
