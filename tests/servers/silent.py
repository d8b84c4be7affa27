"""Peers that accept TCP and then say nothing: a firewall dropping TLS, a dead middlebox.

``mute_server()`` accepts and never sends a byte; ``mute_server(context)`` completes the TLS
handshake with ``context`` and then never answers the HTTP request.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def mute_server(context: ssl.SSLContext | None = None) -> Iterator[int]:
    """Listen on 127.0.0.1:0; yield the port. Connections are held open until the end."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    listener.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        if context is None:
            return
        try:
            conn.settimeout(5)
            held.append(context.wrap_socket(conn, server_side=True))
        except (OSError, ssl.SSLError):
            return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn = listener.accept()[0]
            except OSError:
                continue
            held.append(conn)
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()
