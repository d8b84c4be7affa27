"""A real DNS server on 127.0.0.1 (dnslib), answering from a table."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dnslib import QTYPE, RCODE, RR, A
from dnslib.server import BaseResolver, DNSLogger, DNSServer


class TableResolver(BaseResolver):  # type: ignore[misc]
    """A records from ``answers``; SERVFAIL for ``servfail``; NXDOMAIN for everything else."""

    def __init__(self, answers: dict[str, str], servfail: set[str]) -> None:
        self.answers = {k.lower().rstrip("."): v for k, v in answers.items()}
        self.servfail = {k.lower().rstrip(".") for k in servfail}

    def resolve(self, request: Any, handler: Any) -> Any:
        reply = request.reply()
        name = str(request.q.qname).lower().rstrip(".")
        if name in self.servfail:
            reply.header.rcode = RCODE.SERVFAIL
        elif name in self.answers:
            if request.q.qtype == QTYPE.A:
                reply.add_answer(RR(request.q.qname, QTYPE.A, rdata=A(self.answers[name]), ttl=60))
        else:
            reply.header.rcode = RCODE.NXDOMAIN
        return reply


@contextmanager
def dns_server(answers: dict[str, str], servfail: set[str] = frozenset()) -> Iterator[int]:
    """Start the server; yields its UDP port on 127.0.0.1."""
    server = DNSServer(
        TableResolver(answers, set(servfail)),
        port=0,
        address="127.0.0.1",
        logger=DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data"),
    )
    server.start_thread()
    try:
        yield int(server.server.server_address[1])
    finally:
        server.stop()
