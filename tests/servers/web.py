"""HTTP and HTTPS servers on 127.0.0.1:0, in a thread, with a few behaviours to choose from."""

from __future__ import annotations

import email.utils
import http.server
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

NCSI_BODY = b"Microsoft Connect Test"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        return email.utils.formatdate(time.time() + self.server.clock_offset, usegmt=True)

    def do_GET(self) -> None:
        mode = self.server.mode
        self.server.requests.append(self.path)
        if mode == "portal-redirect":
            self.send_response(302)
            self.send_header("Location", "http://portal.example.net/login?orig=msft")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = NCSI_BODY
        if mode == "portal-page":
            body = b"<html><body>Welcome to Hotel Wi-Fi. Please log in.</body></html>"
        elif mode == "endpoint":
            body = b"<html>ok</html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    mode = "ncsi"
    clock_offset = 0.0

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[str] = []

    @property
    def port(self) -> int:
        return int(self.server_address[1])


@contextmanager
def web_server(
    mode: str = "ncsi", context: ssl.SSLContext | None = None, clock_offset: float = 0.0
) -> Iterator[_Server]:
    """``mode``: ncsi (the NCSI text), portal-redirect, portal-page, endpoint."""
    server = _Server()
    server.mode = mode
    server.clock_offset = clock_offset
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
