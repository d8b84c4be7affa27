"""A small HTTP/1.1 GET over a probe stream: enough for NCSI and for reading ``Date``.

The response is parsed by h11 (the sans-I/O HTTP/1.1 library), which bounds every buffer it
keeps: a status line, header block or chunk-size line that never ends is a protocol error after
``_MAX_EVENT`` bytes, not a buffer that grows until the machine runs out of memory. The body is
read up to ``body_limit`` bytes and no further.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import h11

from ._streams import ConnectRefused, Stream, TlsStream

__all__ = ["HttpError", "HttpResponse", "http_get"]

BODY_LIMIT = 64 * 1024
_MAX_EVENT = 64 * 1024  # the longest status line + headers, or chunk header, we accept


class HttpError(ValueError):
    """The server's answer is not HTTP/1.x (or breaks it): evidence about the server."""


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
    """Send ``GET target`` with ``Host: host`` and read the response (body capped).

    Raises ``HttpError`` (a ``ValueError``) when the answer is not HTTP, and ``ConnectRefused``
    when the peer closes before answering.
    """
    headers = {
        "Host": host,
        "User-Agent": "onedrive-doctor",
        "Accept": "*/*",
        "Connection": "close",
        **(extra_headers or {}),
    }
    request = f"GET {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    await stream.write((request + "\r\n").encode("ascii", errors="replace"))
    conn = h11.Connection(h11.CLIENT, max_incomplete_event_size=_MAX_EVENT)
    # The request went out as bytes already; tell h11 so it expects the response.
    conn.send(
        h11.Request(
            method="GET",
            target=target.encode("ascii", errors="replace") or b"/",
            headers=[
                (k.encode(), v.encode("latin-1", errors="replace")) for k, v in headers.items()
            ],
        )
    )
    conn.send(h11.EndOfMessage())
    response: h11.Response | None = None
    received = 0.0
    first = b""  # the start of the answer, for the error message
    body = bytearray()
    while response is None or len(body) < body_limit:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as exc:
            if response is None:
                if not first:
                    raise ConnectRefused("the connection was closed before any answer") from None
                line = first.split(b"\r\n", 1)[0].decode("iso-8859-1")
                raise HttpError(f"not an HTTP response: {line[:80]!r} ({exc})") from None
            break  # a broken body after a good head: keep what came
        if event is h11.NEED_DATA:
            data = await stream.read()
            if len(first) < 256:
                first += data[: 256 - len(first)]
            conn.receive_data(data)  # b"" tells h11 the peer closed
            continue
        if isinstance(event, h11.Response):
            response = event
            received = time.time()
        elif isinstance(event, h11.Data):
            body += event.data[: body_limit - len(body)]
        elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
            if response is None:
                raise ConnectRefused("the connection was closed before any answer")
            break
    assert response is not None
    names: dict[str, str] = {}
    for name, value in response.headers:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        names[key] = f"{names[key]}, {text}" if key in names else text
    return HttpResponse(
        response.status_code,
        response.reason.decode("latin-1"),
        names,
        bytes(body),
        received,
    )
