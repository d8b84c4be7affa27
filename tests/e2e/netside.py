#!/usr/bin/env python3
"""The servers of the simulated internet, run inside the "net" namespace by ``ip netns exec``.

    netside.py CONFIG.json

One process, one thread per listener, every socket bound to an address of the test network:

* a DNS server (dnslib) on UDP and TCP port 53, answering A and AAAA from a JSON table that the
  tests rewrite between scenarios (re-read when its modification time changes): the real
  Microsoft names point at addresses inside the test network;
* HTTP servers on port 80: the NCSI probe server (``/connecttest.txt`` answers "Microsoft
  Connect Test", as www.msftconnecttest.com does) and a captive portal that redirects every
  request to its login page;
* "front doors" on port 443: real OpenSSL (Python's ``ssl``) serving TLS like Azure Front Door
  with one of the AFD policies (TLS 1.2 suites in the policy's order, server preference), a
  TLS-1.0-only middlebox, or a peer that accepts TCP and never answers TLS; each answers an HTTP
  request with a ``Date`` header, optionally off by a set number of seconds (a wrong clock).

TLS 1.3 suites and groups cannot be set through Python's ``ssl``: the caller points
``OPENSSL_CONF`` at a file that sets them (AFD: TLS_AES_256_GCM_SHA384 and
TLS_AES_128_GCM_SHA256). Prints ``ready`` on stdout once every socket listens; ends when stdin
closes (its parent went away) or on SIGTERM.
"""

from __future__ import annotations

import email.utils
import json
import os
import socket
import ssl
import sys
import threading
import time
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from dnslib import AAAA, QTYPE, RCODE, RR, A
from dnslib.server import BaseResolver, DNSLogger, DNSServer

#: TLS 1.2 suites of each front door, OpenSSL names in the policy's priority order
#: (src/onedrive_doctor/knowledge/afd.py; AFD-2026 for TLSv1.2_2022).
_ECDHE_GCM = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256"
POLICIES: dict[str, dict[str, Any]] = {
    "TLSv1.2_2023": {"ciphers": _ECDHE_GCM, "min": "TLSv1_2", "max": "TLSv1_3"},
    "TLSv1.2_2022": {
        "ciphers": _ECDHE_GCM + ":ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256",
        "min": "TLSv1_2",
        "max": "TLSv1_3",
    },
    "afd-legacy-4": {
        "ciphers": _ECDHE_GCM + ":DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256",
        "min": "TLSv1_2",
        "max": "TLSv1_3",
    },
    # An old load balancer or inspection box: TLS 1.0 only, CBC-SHA suites.
    "tls10-only": {
        "ciphers": "ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA:@SECLEVEL=0",
        "min": "TLSv1",
        "max": "TLSv1",
    },
}


class TableResolver(BaseResolver):  # type: ignore[misc]
    """A / AAAA from the JSON table at ``path``; SERVFAIL for its ``servfail``; else NXDOMAIN.

    Table: ``{"names": {"login.microsoftonline.com": {"A": ["203.0.113.10"], "AAAA": [...]}},
    "servfail": [...]}``. A name in ``names`` without records of the asked type gets an empty
    answer (NOERROR), as a real server does.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._mtime = -1.0
        self._table: dict[str, Any] = {}
        self._lock = threading.Lock()

    def table(self) -> dict[str, Any]:
        with self._lock:
            mtime = self.path.stat().st_mtime_ns
            if mtime != self._mtime:
                self._table = json.loads(self.path.read_text())
                self._mtime = mtime
            return self._table

    def resolve(self, request: Any, handler: Any) -> Any:
        reply = request.reply()
        table = self.table()
        name = str(request.q.qname).lower().rstrip(".")
        names = {k.lower(): v for k, v in table.get("names", {}).items()}
        if name in {n.lower() for n in table.get("servfail", [])}:
            reply.header.rcode = RCODE.SERVFAIL
        elif name in names:
            records = names[name]
            if request.q.qtype == QTYPE.A:
                for address in records.get("A", []):
                    reply.add_answer(RR(request.q.qname, QTYPE.A, rdata=A(address), ttl=60))
            elif request.q.qtype == QTYPE.AAAA:
                for address in records.get("AAAA", []):
                    reply.add_answer(RR(request.q.qname, QTYPE.AAAA, rdata=AAAA(address), ttl=60))
        else:
            reply.header.rcode = RCODE.NXDOMAIN
        return reply


def _http_date(offset: float) -> str:
    return email.utils.formatdate(time.time() + offset, usegmt=True)


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True


class _V4Server(ThreadingHTTPServer):
    daemon_threads = True


def _web_handler(mode: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if mode == "portal" and not self.path.startswith("/login"):
                body = b""
                self.send_response(302)
                self.send_header("Location", "http://portal.hotel.example/login")
            elif mode == "portal":
                body = b"<html><title>Hotel Wi-Fi</title>Accept the terms to go online</html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
            elif self.path == "/connecttest.txt":
                body = b"Microsoft Connect Test"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
            else:
                body = b"not found"
                self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def serve_web(address: str, port: int, mode: str) -> None:
    """An HTTP server in a daemon thread."""
    cls = _V6Server if ":" in address else _V4Server
    server = cls((address, port), _web_handler(mode))
    threading.Thread(target=server.serve_forever, daemon=True).start()


def tls_context(policy: str, cert: str, key: str, dh: str) -> ssl.SSLContext:
    """The server context of a front door serving ``policy``."""
    spec = POLICIES[policy]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = getattr(ssl.TLSVersion, spec["min"])
    context.maximum_version = getattr(ssl.TLSVersion, spec["max"])
    context.set_ciphers(spec["ciphers"])
    context.options |= ssl.OP_CIPHER_SERVER_PREFERENCE | ssl.OP_NO_TICKET
    context.load_cert_chain(cert, key)
    context.load_dh_params(dh)  # ffdhe2048: Python's ssl has no automatic DH parameters
    return context


def _listen(address: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((address, port))
    sock.listen(256)
    return sock


def _serve_tls(conn: socket.socket, context: ssl.SSLContext, clock_offset: float) -> None:
    conn.settimeout(10)
    try:
        with context.wrap_socket(conn, server_side=True) as tls:
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = tls.recv(4096)
                if not chunk:
                    return
                head += chunk
            answer = (
                "HTTP/1.1 200 OK\r\n"
                f"Date: {_http_date(clock_offset)}\r\n"
                "Content-Type: text/html\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            tls.sendall(answer.encode())
    except (OSError, ssl.SSLError, ValueError):
        pass  # the scanner's probing hellos end in alerts and resets on purpose
    finally:
        conn.close()


def serve_front_door(
    door: dict[str, Any], config: dict[str, Any], held: list[socket.socket]
) -> None:
    """One front door on each of its addresses, port 443, in daemon threads."""
    context = None
    if door["mode"] != "mute":
        context = tls_context(door["policy"], config["cert"], config["key"], config["dh"])
    offset = float(door.get("clock_offset_s", 0))
    for address in door["addresses"]:
        listener = _listen(address, 443)

        def accept(listener: socket.socket = listener) -> None:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                if context is None:
                    held.append(conn)  # accepted TCP, never a byte of TLS
                    continue
                threading.Thread(
                    target=_serve_tls, args=(conn, context, offset), daemon=True
                ).start()

        threading.Thread(target=accept, daemon=True).start()


def main() -> int:
    config = json.loads(Path(sys.argv[1]).read_text())
    resolver = TableResolver(Path(config["dns_table"]))
    logger = DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data")
    dns_servers = []
    for address in config["dns"]:
        for tcp in (False, True):
            server = DNSServer(resolver, port=53, address=address, tcp=tcp, logger=logger)
            server.start_thread()
            dns_servers.append(server)
    for web in config["web"]:
        for address in web["addresses"]:
            serve_web(address, 80, web["mode"])
    held: list[socket.socket] = []
    for door in config["front_doors"]:
        serve_front_door(door, config, held)
    print("ready", flush=True)
    with suppress(KeyboardInterrupt):
        while sys.stdin.buffer.read1(1):
            pass
    for server in dns_servers:
        server.stop()
    os._exit(0)  # daemon threads hold sockets; the process end closes them all


if __name__ == "__main__":
    sys.exit(main())
