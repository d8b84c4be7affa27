"""Peers that accept TCP and then say nothing: a firewall dropping TLS, a dead middlebox.

``mute_server()`` accepts and never sends a byte; ``mute_server(context)`` completes the TLS
handshake with ``context`` and then never answers the HTTP request.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager

from .threaded import accepting


@contextmanager
def mute_server(context: ssl.SSLContext | None = None) -> Iterator[int]:
    """Listen on 127.0.0.1:0; yield the port. Connections are held open until the end."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    held: list[socket.socket] = []

    def serve(conn: socket.socket) -> None:
        if context is None:
            return
        try:
            conn.settimeout(5)
            held.append(context.wrap_socket(conn, server_side=True))
        except (OSError, ssl.SSLError):
            return

    with accepting(listener, serve, held=held):
        yield int(listener.getsockname()[1])
