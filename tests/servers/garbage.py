"""A server that answers each connection differently: a ServerHello, garbage, a reset, a half-close.

``mixed_server(seed)`` listens on 127.0.0.1:0. Its first connection gets a well-formed TLS 1.2
ServerHello (so a scanner goes on to enumerate, many connections at once); every later one gets,
chosen by a seeded random generator, one of: a ServerHello then a close, 64 bytes of garbage,
a TCP reset (RST) on the client's first bytes, a half-close (FIN after reading, the socket kept
open), or a record header cut short; a third of them after a delay of up to 0.4 s. That is the
"garbage server" of issue 11 point 11, where tasks failed while the scan's gather was being
cancelled. Nothing waits longer: fifty scans take seconds.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from .tls_profiles import HOST, _garbage, _nodelay, _rst_close, server_hello

__all__ = ["MIXED_MODES", "mixed_server"]

MIXED_MODES = ("hello", "garbage", "reset", "half-close", "short-record")


class _MixedServer:
    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self._sock = socket.create_server((HOST, 0), backlog=128)
        self.port: int = self._sock.getsockname()[1]
        self._lock = threading.Lock()
        self._held: list[socket.socket] = []
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, name="mixed", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                mode = "hello" if self.connections == 0 else self._random.choice(MIXED_MODES)
                # A third of the answers come late (up to 0.4 s): budgets and timeouts then
                # cancel connections in flight, where tasks used to fail while being cancelled.
                delay = self._random.choice((0.0, 0.0, self._random.uniform(0.0, 0.4)))
                self.connections += 1
            args = (client, mode, delay)
            threading.Thread(target=self._serve, args=args, daemon=True).start()

    def _serve(self, client: socket.socket, mode: str, delay: float) -> None:
        _nodelay(client)
        keep = False
        try:
            client.settimeout(5)
            if not client.recv(65536):
                return
            if delay:
                time.sleep(delay)
            if mode == "hello":
                client.sendall(server_hello())
            elif mode == "garbage":
                client.sendall(_garbage())
            elif mode == "reset":
                _rst_close(client)
            elif mode == "half-close":
                client.shutdown(socket.SHUT_WR)
                keep = True
            else:
                client.sendall(b"\x16\x03\x03\x00")
        except OSError:
            pass
        finally:
            if keep:
                with self._lock:
                    self._held.append(client)
            else:
                with suppress(OSError):
                    client.close()

    def close(self) -> None:
        # shutdown() wakes the accept() in the other thread; close() alone would not.
        with suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        self._thread.join(timeout=2)
        with self._lock:
            held, self._held = self._held, []
        for client in held:
            with suppress(OSError):
                client.close()


@contextmanager
def mixed_server(seed: int) -> Iterator[_MixedServer]:
    """Start the server; yield it (``port``, ``connections``); close everything at the end."""
    server = _MixedServer(seed)
    try:
        yield server
    finally:
        server.close()
