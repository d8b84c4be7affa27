"""The accept loop the tests' hand-made peers share: one thread accepts, one thread per connection.

``accepting(listener, serve)`` runs ``serve(conn)`` for every connection the listener accepts
until the ``with`` block ends; then it stops accepting and closes every accepted connection
(and whatever ``serve`` put into ``held``, e.g. a TLS-wrapped socket), then the listener.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def accepting(
    listener: socket.socket,
    serve: Callable[[socket.socket], None],
    *,
    stop: threading.Event | None = None,
    held: list[socket.socket] | None = None,
) -> Iterator[None]:
    """Accept on ``listener`` (listening already) in a thread until the block ends."""
    stop = stop if stop is not None else threading.Event()
    held = held if held is not None else []
    listener.settimeout(0.1)

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
        yield
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()
