"""A small HTTP/1.1 GET over a probe stream: enough for NCSI and for reading ``Date``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ._streams import Stream, TlsStream, read_head

__all__ = ["HttpResponse", "http_get"]

BODY_LIMIT = 64 * 1024


@dataclass
class HttpResponse:
    """Status, headers (lower-case names), the start of the body and when it arrived."""

    status: int
    reason: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    received_at: float = 0.0


async def http_get(
    stream: Stream | TlsStream,
    host: str,
    target: str = "/",
    extra_headers: dict[str, str] | None = None,
    body_limit: int = BODY_LIMIT,
) -> HttpResponse:
    """Send ``GET target`` with ``Host: host`` and read the response (body capped)."""
    headers = {
        "Host": host,
        "User-Agent": "onedrive-doctor",
        "Accept": "*/*",
        "Connection": "close",
        **(extra_headers or {}),
    }
    request = f"GET {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    await stream.write((request + "\r\n").encode("ascii", errors="replace"))
    head = await read_head(stream)
    received = time.time()
    body = await _read_body(stream, head.headers, head.rest, body_limit)
    return HttpResponse(head.status, head.reason, head.headers, body, received)


async def _read_body(
    stream: Stream | TlsStream, headers: dict[str, str], buf: bytes, limit: int
) -> bytes:
    length = headers.get("content-length", "")
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return await _read_chunked(stream, buf, limit)
    wanted = min(int(length), limit) if length.strip().isdigit() else limit
    while len(buf) < wanted:
        chunk = await stream.read()
        if not chunk:
            break
        buf += chunk
    return buf[:wanted]


async def _read_chunked(stream: Stream | TlsStream, buf: bytes, limit: int) -> bytes:
    body = b""
    while len(body) < limit:
        while b"\r\n" not in buf:
            chunk = await stream.read()
            if not chunk:
                return body
            buf += chunk
        size_line, _, buf = buf.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
        except ValueError:
            return body
        if size == 0:
            return body
        while len(buf) < size + 2:
            chunk = await stream.read()
            if not chunk:
                return body + buf[:size]
            buf += chunk
        body += buf[:size]
        buf = buf[size + 2 :]
    return body[:limit]
