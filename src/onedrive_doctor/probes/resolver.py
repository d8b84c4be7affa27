"""Name resolution as OneDrive sees it: the OS resolver, or a named DNS server (``--dns-server``).

Failures are classified the way a helpdesk engineer talks about them: NXDOMAIN (the name does not
exist), SERVFAIL (the resolver failed), timeout (nothing answered).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from dataclasses import dataclass
from typing import Any

from ._streams import bounded

__all__ = ["DnsFailure", "resolve", "system_resolvers"]


@dataclass
class DnsFailure(Exception):
    """The name did not resolve; ``rcode`` is NXDOMAIN, SERVFAIL, NOANSWER or TIMEOUT."""

    rcode: str
    detail: str
    resolver: str

    def __str__(self) -> str:
        return f"{self.rcode} from {self.resolver}: {self.detail}"


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
    if server is None:
        return await _resolve_system(host, port, timeout)
    return await _resolve_with(host, timeout, server)


async def _resolve_system(host: str, port: int, timeout: float) -> tuple[list[str], str]:
    loop = asyncio.get_running_loop()
    servers = ", ".join(system_resolvers())
    label = f"the system resolver ({servers})" if servers else "the system resolver"
    try:
        limit = bounded(timeout)  # before the lookup starts: nothing left, nothing started
        infos = await asyncio.wait_for(_getaddrinfo(loop, host, port), limit)
    except asyncio.TimeoutError as exc:
        raise DnsFailure("TIMEOUT", f"no answer within {timeout:g} s", label) from exc
    except socket.gaierror as exc:
        raise _classify_gaierror(exc, label) from exc
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses, label


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


async def _resolve_with(
    host: str, timeout: float, server: tuple[str, int]
) -> tuple[list[str], str]:
    import dns.asyncresolver
    import dns.exception
    import dns.resolver

    label = f"DNS server {server[0]}:{server[1]}"
    resolver = dns.asyncresolver.Resolver(configure=False)
    resolver.nameservers = [server[0]]
    resolver.port = server[1]
    resolver.timeout = bounded(timeout)
    resolver.lifetime = resolver.timeout
    addresses: list[str] = []
    nxdomain = False
    for rdtype in ("A", "AAAA"):
        try:
            answer = await resolver.resolve(host, rdtype, search=False)
        except dns.resolver.NXDOMAIN:
            nxdomain = True
            break
        except dns.resolver.NoAnswer:
            continue
        except dns.resolver.NoNameservers as exc:
            raise DnsFailure("SERVFAIL", "the server answered SERVFAIL or REFUSED", label) from exc
        except dns.exception.Timeout as exc:
            raise DnsFailure("TIMEOUT", f"no answer within {timeout:g} s", label) from exc
        addresses.extend(str(record) for record in answer)
        if addresses:
            break
    if nxdomain:
        raise DnsFailure("NXDOMAIN", "the name does not exist", label)
    if not addresses:
        raise DnsFailure("NOANSWER", "the name exists but has no address record", label)
    return addresses, label
