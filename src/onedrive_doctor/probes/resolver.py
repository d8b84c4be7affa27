"""Name resolution as OneDrive sees it: the OS resolver, or a named DNS server (``--dns-server``).

Failures are classified the way a helpdesk engineer talks about them: NXDOMAIN (the name does not
exist), SERVFAIL (the resolver failed), timeout (nothing answered).

Both address families are asked for (A and AAAA, at the same time): NET008 compares the IPv4 and
the IPv6 path, and Windows tries an endpoint's IPv6 addresses first.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from ._streams import bounded
from ._tasks import wait_for

__all__ = ["DnsFailure", "Resolution", "resolve", "resolve_families", "system_resolvers"]


@dataclass
class DnsFailure(Exception):
    """The name did not resolve; ``rcode`` is NXDOMAIN, SERVFAIL, NOANSWER or TIMEOUT."""

    rcode: str
    detail: str
    resolver: str

    def __str__(self) -> str:
        return f"{self.rcode} from {self.resolver}: {self.detail}"


@dataclass(frozen=True)
class Resolution:
    """A name's addresses (both families), who answered, and what could not be asked.

    ``nameservers`` are the DNS servers behind ``resolver`` where they are known (the system
    resolver's configuration: ``/etc/resolv.conf`` on Linux and macOS, the adapters' settings
    on Windows, as dnspython reads them; or ``--dns-server``). ``incomplete`` says which record
    type got no answer while the other did (e.g. "AAAA: no answer within 2 s"): the name's
    addresses of that family are then unknown, not absent.
    """

    addresses: list[str]
    resolver: str
    nameservers: tuple[str, ...] = ()
    incomplete: str | None = field(default=None)


def system_resolvers() -> list[str]:
    """The DNS servers the OS is configured with, as far as dnspython can read them."""
    try:
        import dns.resolver

        return [str(ns) for ns in dns.resolver.Resolver().nameservers]
    except Exception:  # the resolver configuration is only informational here
        return []


async def resolve(
    host: str, port: int, timeout: float, server: tuple[str, int] | None
) -> tuple[list[str], str]:
    """Addresses of ``host`` and a description of the resolver used; raises ``DnsFailure``."""
    found = await resolve_families(host, port, timeout, server)
    return found.addresses, found.resolver


async def resolve_families(
    host: str, port: int, timeout: float, server: tuple[str, int] | None
) -> Resolution:
    """IPv4 and IPv6 addresses of ``host`` (IPv4 first), and who said so; ``DnsFailure``."""
    if server is None:
        return await _resolve_system(host, port, timeout)
    return await _resolve_with(host, timeout, server)


async def _resolve_system(host: str, port: int, timeout: float) -> Resolution:
    loop = asyncio.get_running_loop()
    servers = tuple(system_resolvers())
    label = f"the system resolver ({', '.join(servers)})" if servers else "the system resolver"
    try:
        limit = bounded(timeout)  # before the lookup starts: nothing left, nothing started
        infos = await wait_for(_getaddrinfo(loop, host, port), limit)
    except asyncio.TimeoutError as exc:
        raise DnsFailure("TIMEOUT", f"no answer within {timeout:g} s", label) from exc
    except socket.gaierror as exc:
        raise _classify_gaierror(exc, label) from exc
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    # IPv4 first, as with --dns-server: a broken IPv6 path does not hold up the endpoint's own
    # chain (NET004); the per-family probes judge IPv6 (NET008). Each family keeps its order.
    addresses.sort(key=lambda a: ":" in a)
    return Resolution(addresses, label, servers)


def _getaddrinfo(loop: asyncio.AbstractEventLoop, host: str, port: int) -> asyncio.Future[Any]:
    """``getaddrinfo`` in a daemon thread of its own.

    ``loop.getaddrinfo`` runs in the default executor, and ``asyncio.run()`` waits at exit for
    every executor thread: a system resolver that never answers then holds the process well past
    its budget although the report is ready. A daemon thread is simply left behind.
    """
    future: asyncio.Future[Any] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():
            return  # the caller gave up (timeout or budget)
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def work() -> None:
        try:
            result: Any = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            error: BaseException | None = None
        except BaseException as exc:  # handed to the awaiting task, never lost
            result, error = None, exc
        # RuntimeError: the loop has closed, and nobody waits for this answer any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=work, name=f"getaddrinfo {host}", daemon=True).start()
    return future


def _classify_gaierror(exc: socket.gaierror, label: str) -> DnsFailure:
    code = exc.errno
    if code in {getattr(socket, "EAI_NONAME", -2), getattr(socket, "EAI_NODATA", -5), 11001}:
        return DnsFailure("NXDOMAIN", "the name does not exist", label)
    if code in {getattr(socket, "EAI_AGAIN", -3), 11002}:
        return DnsFailure("SERVFAIL", "temporary failure in name resolution", label)
    if code == getattr(socket, "EAI_FAIL", -4):
        return DnsFailure("SERVFAIL", "non-recoverable failure in name resolution", label)
    return DnsFailure("SERVFAIL", str(exc.strerror or exc), label)


async def _resolve_with(host: str, timeout: float, server: tuple[str, int]) -> Resolution:
    import dns.asyncresolver
    import dns.exception
    import dns.resolver

    shown = f"[{server[0]}]" if ":" in server[0] else server[0]
    label = f"DNS server {shown}:{server[1]}"
    resolver = dns.asyncresolver.Resolver(configure=False)
    resolver.nameservers = [server[0]]
    resolver.port = server[1]
    resolver.timeout = bounded(timeout)
    resolver.lifetime = resolver.timeout

    async def ask(rdtype: str) -> list[str] | DnsFailure | None:
        """The records of one type; ``None`` for none (NOERROR, empty); a failure as a value."""
        try:
            answer = await resolver.resolve(host, rdtype, search=False)
        except dns.resolver.NXDOMAIN:
            return DnsFailure("NXDOMAIN", "the name does not exist", label)
        except dns.resolver.NoAnswer:
            return None
        except dns.resolver.NoNameservers:
            return DnsFailure("SERVFAIL", "the server answered SERVFAIL or REFUSED", label)
        except dns.exception.Timeout:
            return DnsFailure("TIMEOUT", f"no answer within {timeout:g} s", label)
        return [str(record) for record in answer]

    # Both record types at once: one round trip, not two, under the run's budget.
    both = await asyncio.gather(ask("A"), ask("AAAA"))
    answers = {"A": both[0], "AAAA": both[1]}
    failures = {t: a for t, a in answers.items() if isinstance(a, DnsFailure)}
    addresses = [x for a in answers.values() if isinstance(a, list) for x in a]
    nxdomain = next((f for f in failures.values() if f.rcode == "NXDOMAIN"), None)
    if nxdomain is not None:
        raise nxdomain
    if not addresses:
        if failures:
            raise failures.get("A") or next(iter(failures.values()))
        raise DnsFailure("NOANSWER", "the name exists but has no address record", label)
    incomplete = "; ".join(f"{t}: {f.rcode} ({f.detail})" for t, f in failures.items())
    return Resolution(addresses, label, (f"{shown}:{server[1]}",), incomplete or None)
