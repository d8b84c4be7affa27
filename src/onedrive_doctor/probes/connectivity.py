"""The connectivity probes (article step 1): NCSI, DNS, TCP, HTTPS, proxies and the clock.

Every probe runs concurrently under one time budget, each network operation under its own
timeout, and every probe leaves an attempt record, also when it fails or runs out of time.

Besides the endpoint's own TCP / TLS / HTTP chain, each endpoint is tried once per IP family
(``ip_family`` attempts, NET008), at the same time as that chain: Windows tries an endpoint's
IPv6 address first, so a broken IPv6 path stalls sign-in although IPv4 works.
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import functools
import os
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..knowledge.endpoints import NCSI_EXPECTED_BODY, NCSI_URL, REQUIRED_ENDPOINTS, Endpoint
from ._http import HttpResponse, http_get
from ._pac import PacError, evaluate_pac
from ._streams import (
    DEADLINE,
    ConnectRefused,
    ProxyAuthRequired,
    ProxyError,
    Stream,
    TlsStream,
    budget_gone,
    open_tcp,
)
from ._streams import proxy_connect as _proxy_connect
from ._tasks import settle, wait_for
from .attempt import AttemptStatus, ProbeAttempt
from .proxy import ProxyRoute, env_routes, pac_answer_to_route, parse_proxy
from .resolver import DnsFailure, Resolution, resolve_families
from .results import SOURCE_DNS, SOURCE_RESOLVE_OPTION, FamilyResult, HttpsResult

if TYPE_CHECKING:
    from ..registry.regfile import Registry

__all__ = ["PROBES_SCHEMA_VERSION", "NetworkOptions", "run_network_probes"]

PROBES_SCHEMA_VERSION = 1

_Outcome = tuple[AttemptStatus, str | None, dict[str, Any]]


@dataclass(frozen=True)
class NetworkOptions:
    """How the connectivity probes run (the network options of docs/spec/cli.md)."""

    timeout: float = 5.0
    budget: float = 8.0
    resolve: Mapping[tuple[str, int], str] = field(default_factory=lambda: MappingProxyType({}))
    #: Every address ``--resolve`` gives for a ``(host, port)`` (repeat the option, e.g. once
    #: with 127.0.0.1 and once with [::1]), in order; ``resolve`` holds the first of them.
    resolve_addresses: Mapping[tuple[str, int], tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    ca_files: tuple[str, ...] = ()
    probe_url: str = NCSI_URL
    expected_body: str = NCSI_EXPECTED_BODY
    endpoints: tuple[Endpoint, ...] = REQUIRED_ENDPOINTS
    dns_server: tuple[str, int] | None = None
    proxy: str | None = None
    environ: Mapping[str, str] | None = None
    tls_scan: bool = True

    def config_json(self) -> dict[str, Any]:
        """The options as recorded in ``probes.json`` (what the checks were measured with)."""
        return {
            "timeout_s": self.timeout,
            "budget_s": self.budget,
            "probe_url": self.probe_url,
            "expected_body": self.expected_body,
            "endpoints": [
                {"host": e.host, "port": e.port, "role": e.role, "never_inspect": e.never_inspect}
                for e in self.endpoints
            ],
            "resolve": [
                f"{h}:{p}:{f'[{a}]' if ':' in a else a}" for (h, p), a in self.pinned_items()
            ],
            "dns_server": f"{self.dns_server[0]}:{self.dns_server[1]}" if self.dns_server else None,
            "ca_files": list(self.ca_files),
            "trusted_issuers": _ca_subjects(self.ca_files),
            "tls_scan": self.tls_scan,
        }

    def pinned(self, host: str, port: int) -> list[str]:
        """The addresses ``--resolve`` gives for ``host:port`` (none: ask DNS)."""
        key = (host.lower(), port)
        more = self.resolve_addresses.get(key)
        if more:
            return list(more)
        first = self.resolve.get(key)
        return [first] if first else []

    def pinned_items(self) -> list[tuple[tuple[str, int], str]]:
        """Every ``--resolve`` entry, one per address, in order."""
        keys = list(self.resolve) + [k for k in self.resolve_addresses if k not in self.resolve]
        return [(key, address) for key in keys for address in self.pinned(*key)]


class _Recorder:
    """Runs one probe step and appends its attempt record, whatever happens."""

    def __init__(self, budget: float) -> None:
        self.attempts: list[ProbeAttempt] = []
        self.budget = budget

    async def run(
        self, probe: str, target: str, via: str | None, step: Callable[[], Awaitable[_Outcome]]
    ) -> ProbeAttempt:
        start = time.monotonic()
        if budget_gone():
            # Not started: the budget ran out before this step's turn. It leaves no attempt
            # (nothing was tried); the steps the budget cut short say so themselves.
            return ProbeAttempt(probe, target, AttemptStatus.TIMEOUT, self._stopped, 0.0, via)
        try:
            status, error, result = await step()
        except asyncio.CancelledError:
            self._add(
                probe,
                target,
                via,
                start,
                AttemptStatus.TIMEOUT,
                self._stopped,
                {},
            )
            raise
        except asyncio.TimeoutError as exc:
            status, result = AttemptStatus.TIMEOUT, {}
            error = self._stopped if budget_gone() else str(exc) or "no answer within the timeout"
        except DnsFailure as exc:
            status = AttemptStatus.TIMEOUT if exc.rcode == "TIMEOUT" else AttemptStatus.FAILED
            error = f"DNS {exc}"
            result = {"rcode": exc.rcode, "resolver": exc.resolver}
        except ProxyError as exc:
            status, error = AttemptStatus.FAILED, str(exc)
            result = {"proxy_status": exc.status, **_auth_info(exc)}
        except ssl.SSLError as exc:
            status, error, result = AttemptStatus.FAILED, f"TLS: {exc.reason or exc}", {}
        except (ConnectRefused, ConnectionError) as exc:
            status, error, result = AttemptStatus.FAILED, str(exc) or type(exc).__name__, {}
        except OSError as exc:
            status, error, result = AttemptStatus.FAILED, exc.strerror or str(exc), {}
        except (ValueError, PacError) as exc:
            status, error, result = AttemptStatus.FAILED, str(exc), {}
        return self._add(probe, target, via, start, status, error, result)

    @property
    def _stopped(self) -> str:
        return f"stopped: the run's time budget of {self.budget:g} s ran out"

    def _add(
        self,
        probe: str,
        target: str,
        via: str | None,
        start: float,
        status: AttemptStatus,
        error: str | None,
        result: dict[str, Any],
    ) -> ProbeAttempt:
        attempt = ProbeAttempt(probe, target, status, error, time.monotonic() - start, via, result)
        self.attempts.append(attempt)
        return attempt


def _auth_info(exc: ProxyError) -> dict[str, Any]:
    if isinstance(exc, ProxyAuthRequired):
        return {"auth_required": True, "proxy_authenticate": exc.headers.get("proxy-authenticate")}
    return {}


class _Session:
    """One run of the probes: options, proxy stacks, and the shared recorder."""

    def __init__(self, opts: NetworkOptions, registry: Registry | None) -> None:
        self.opts = opts
        self.rec = _Recorder(opts.budget)
        environ = opts.environ if opts.environ is not None else os.environ
        self.explicit = parse_proxy(opts.proxy, "--proxy") if opts.proxy else None
        self.env = env_routes(environ)
        self.stacks = _registry_stacks(registry)
        self._pac_cache: dict[str, asyncio.Future[str]] = {}
        self.context = _tls_context(opts.ca_files, verify=True)
        self.unverified = _tls_context((), verify=False)

    # ---- routes -------------------------------------------------------------------------
    async def route(
        self, scheme: str, url: str, host: str, system_context: bool = False
    ) -> tuple[ProxyRoute | None, str]:
        """The proxy in force for ``url`` and a description of where that choice came from."""
        if self.explicit:
            return self.explicit, self.explicit.source
        if self.stacks:
            # Windows: OneDrive follows the registry, not HTTP(S)_PROXY. Device registration
            # runs as SYSTEM through WinHTTP; the user's sign-in follows Internet Options.
            stack = self.stacks[0]
            if system_context:
                stack = next((s for s in self.stacks if s.stack.startswith("winhttp")), stack)
            return await self._stack_route(stack, scheme, url, host)
        env = self.env.get(scheme)
        if env:
            return (None, f"{env.source}, bypassed") if env.bypasses(host) else (env, env.source)
        return None, "no proxy configured"

    async def _stack_route(
        self, stack: Any, scheme: str, url: str, host: str
    ) -> tuple[ProxyRoute | None, str]:
        name = str(stack.stack)
        if stack.autoconfig_url:
            answer = await self._pac(stack.autoconfig_url, url, host)
            return pac_answer_to_route(answer, f"PAC {stack.autoconfig_url}"), f"{name} PAC"
        server = stack.proxy_for(scheme)
        if not server or stack.bypasses(host):
            return None, f"{name}: direct"
        return parse_proxy(server, f"{name} ({stack.source})"), name

    async def _pac(self, pac_url: str, url: str, host: str) -> str:
        future = self._pac_cache.get(pac_url)
        if future is None:
            future = asyncio.ensure_future(self._fetch_pac(pac_url))
            self._pac_cache[pac_url] = future
        script = await asyncio.shield(future)
        answers = await evaluate_pac(script, [(url, host)], self.opts.timeout)
        return answers[url]

    async def _fetch_pac(self, pac_url: str) -> str:
        holder: dict[str, str] = {}

        async def step() -> _Outcome:
            parts = urlsplit(pac_url)
            host = parts.hostname or ""
            port = parts.port or (443 if parts.scheme == "https" else 80)
            stream = await self._connect_direct(host, port)
            try:
                conn: Stream | TlsStream = stream
                if parts.scheme == "https":
                    conn = await self._tls(stream, host, self.context)
                response = await http_get(
                    conn, _host_header(host, port, parts.scheme), parts.path or "/"
                )
            finally:
                stream.close()
            if response.status != 200:
                return AttemptStatus.FAILED, f"HTTP {response.status} for the PAC file", {}
            holder["script"] = response.body.decode("utf-8", errors="replace")
            return AttemptStatus.OK, None, {"bytes": len(response.body)}

        attempt = await self.rec.run("pac", pac_url, None, step)
        if "script" not in holder:
            raise PacError(f"PAC file {pac_url} could not be fetched: {attempt.error}")
        return holder["script"]

    # ---- connections --------------------------------------------------------------------
    async def addresses(self, host: str, port: int) -> tuple[list[str], str]:
        """Where ``host:port`` is: from ``--resolve`` or from DNS."""
        found, _ = await self.lookup(host, port)
        return found.addresses, found.resolver

    async def lookup(self, host: str, port: int) -> tuple[Resolution, str]:
        """Both families' addresses of ``host:port`` and their source (``--resolve`` or DNS)."""
        pinned = self.opts.pinned(host, port)
        if pinned:
            return Resolution(pinned, "--resolve"), SOURCE_RESOLVE_OPTION
        found = await resolve_families(host, port, self.opts.timeout, self.opts.dns_server)
        return found, SOURCE_DNS

    async def _connect_direct(self, host: str, port: int) -> Stream:
        addresses, _ = await self.addresses(host, port)
        return await self._connect_any(addresses, port)

    async def _connect_any(self, addresses: list[str], port: int) -> Stream:
        errors: list[str] = []
        for address in addresses:
            where = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
            try:
                return await open_tcp(address, port, self.opts.timeout)
            except asyncio.TimeoutError:
                errors.append(f"{where} did not answer within {self.opts.timeout:g} s")
            except ConnectionRefusedError:
                errors.append(f"{where} refused the connection")
            except OSError as exc:
                reason = os.strerror(exc.errno) if exc.errno else str(exc)
                errors.append(f"{where}: {reason}")
        if errors and all("did not answer" in e for e in errors):
            raise asyncio.TimeoutError("; ".join(errors))
        raise OSError("; ".join(errors) or "no address to connect to")

    async def connect_proxy(self, proxy: ProxyRoute) -> Stream:
        """A TCP connection to the proxy itself."""
        try:
            return await self._connect_direct(proxy.host, proxy.port)
        except DnsFailure as exc:
            raise OSError(f"proxy {proxy.url} does not resolve: {exc}") from exc
        except asyncio.TimeoutError as exc:
            raise OSError(f"proxy {proxy.url} did not answer within the timeout") from exc
        except OSError as exc:
            raise OSError(f"proxy {proxy.url} is unreachable: {exc}") from exc

    async def tunnel(self, proxy: ProxyRoute, host: str, port: int) -> Stream:
        """A CONNECT tunnel through ``proxy`` to ``host:port``."""
        stream = await self.connect_proxy(proxy)
        try:
            await _proxy_connect(stream, host, port, proxy.credentials)
        except BaseException:
            stream.close()
            raise
        return stream

    async def _tls(self, stream: Stream, host: str, context: ssl.SSLContext) -> TlsStream:
        tls = TlsStream(stream, context, host)
        await tls.handshake()
        return tls

    # ---- probes -------------------------------------------------------------------------
    async def ncsi(self) -> None:
        """HTTP GET of the probe URL, as Windows' NCSI does."""
        url = self.opts.probe_url
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        holder: dict[str, Any] = {}

        async def step() -> _Outcome:
            proxy, why = await self.route(parts.scheme, url, host)
            holder["via"] = proxy.url if proxy else None
            if proxy and parts.scheme == "http":
                stream = await self.connect_proxy(proxy)
                target = url
            elif proxy:
                stream = await self.tunnel(proxy, host, port)
                target = parts.path or "/"
            else:
                stream = await self._connect_direct(host, port)
                target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            try:
                conn: Stream | TlsStream = stream
                if parts.scheme == "https":
                    conn = await self._tls(stream, host, self.context)
                extra = _proxy_auth_header(proxy) if proxy and parts.scheme == "http" else None
                response = await http_get(
                    conn, _host_header(host, port, parts.scheme), target, extra
                )
            finally:
                stream.close()
            return _ncsi_outcome(response, self.opts.expected_body, why)

        await self.rec.run("ncsi", url, None, step)

    async def endpoint(self, endpoint: Endpoint) -> None:
        """DNS, then TCP (direct or through the proxy in force), then TLS and HTTP."""
        host, port = endpoint.host, endpoint.port
        url = f"https://{host}/" if port == 443 else f"https://{host}:{port}/"
        try:
            proxy, why = await self.route("https", url, host, "device" in endpoint.role)
        except (PacError, ValueError) as exc:
            # The proxy configuration itself is broken (NET005), not the endpoint (NET004).
            await self.rec.run("pac", endpoint.address, None, _failed_step(str(exc)))
            return
        via = proxy.url if proxy else None
        streams: list[Stream] = []

        families: list[Awaitable[ProbeAttempt]] = []
        if proxy is None:
            addresses: list[str] = []
            lookups: list[Resolution] = []

            async def dns_step() -> _Outcome:
                found, source = await self.lookup(host, port)
                addresses.extend(found.addresses)
                lookups.append(found)
                result: dict[str, Any] = {
                    "addresses": found.addresses,
                    "resolver": found.resolver,
                    "sources": [source] * len(found.addresses),
                }
                if found.nameservers:
                    result["nameservers"] = list(found.nameservers)
                return AttemptStatus.OK, None, result

            if not (await self.rec.run("dns", host, None, dns_step)).ok:
                return
            families = [
                self.rec.run(
                    "ip_family",
                    endpoint.address,
                    None,
                    functools.partial(self._family_step, endpoint, family, lookups[0]),
                )
                for family in ("IPv4", "IPv6")
            ]

            async def tcp_step() -> _Outcome:
                stream = await self._connect_any(addresses, port)
                streams.append(stream)
                return AttemptStatus.OK, None, {"peer": stream.peer(), "route": why}
        else:
            await self.rec.run("dns", host, via, _skip(f"resolved by the proxy ({why})"))
            for family in ("IPv4", "IPv6"):
                skipped = FamilyResult(family=family).to_json()
                reason = (
                    f"connected through the proxy ({why}): the PC's own {family} path is not used"
                )
                families.append(
                    self.rec.run("ip_family", endpoint.address, via, _skip(reason, skipped))
                )

            async def tcp_step() -> _Outcome:
                stream = await self.tunnel(proxy, host, port)
                streams.append(stream)
                return AttemptStatus.OK, None, {"peer": stream.peer(), "route": why}

        # The per-family probes run beside the endpoint's own chain: no extra round trips.
        await asyncio.gather(self._chain(endpoint, proxy, via, streams, tcp_step), *families)

    async def _chain(
        self,
        endpoint: Endpoint,
        proxy: ProxyRoute | None,
        via: str | None,
        streams: list[Stream],
        tcp_step: Callable[[], Awaitable[_Outcome]],
    ) -> None:
        """TCP, then TLS and HTTP, then the TLS scan, to one endpoint."""
        host, port = endpoint.host, endpoint.port
        try:
            if (await self.rec.run("tcp", endpoint.address, via, tcp_step)).ok:
                peer = streams[0].peer()
                await self.rec.run(
                    "https",
                    endpoint.address,
                    via,
                    lambda: self._https_step(streams[0], host, port, proxy),
                )
                if self.opts.tls_scan:
                    address = None if proxy else (peer or "").rsplit(":", 1)[0].strip("[]")
                    await self.rec.run(
                        "tls_scan",
                        endpoint.address,
                        via,
                        lambda: self._scan_step(endpoint, address or None, proxy),
                    )
        finally:
            for stream in streams:
                stream.close()

    async def _family_step(self, endpoint: Endpoint, family: str, found: Resolution) -> _Outcome:
        """TCP and the TLS handshake to the endpoint's first address of one IP family."""
        ipv6 = family == "IPv6"
        host, port, timeout = endpoint.host, endpoint.port, self.opts.timeout
        addresses = [a for a in found.addresses if (":" in a) == ipv6]
        result: dict[str, Any] = FamilyResult(family=family, addresses=tuple(addresses)).to_json()
        record = "AAAA" if ipv6 else "A"
        if not addresses:
            if found.incomplete and f"{record}:" in found.incomplete:
                # Unknown, not absent: the lookup of this family got no answer.
                return (
                    AttemptStatus.FAILED,
                    f"the {record} lookup failed: {found.incomplete}",
                    result,
                )
            return (
                AttemptStatus.SKIPPED,
                f"{host} has no {family} address (no {record} record from {found.resolver})",
                result,
            )
        address = addresses[0]
        where = f"[{address}]:{port}" if ipv6 else f"{address}:{port}"
        try:
            local = _route_to(address, port)
        except OSError as exc:
            # Neither "a route" nor "no route": the check says unknown, never "no IPv6".
            reason = exc.strerror or str(exc)
            return (
                AttemptStatus.ERROR,
                f"the route to {where} could not be looked up: {reason}",
                result,
            )
        result["route"] = local is not None
        if local is None:
            return AttemptStatus.SKIPPED, f"this PC has no {family} route to {where}", result
        result.update(address=address, local_address=local, stage="tcp")
        try:
            stream = await open_tcp(address, port, timeout)
        except asyncio.TimeoutError:
            if budget_gone():
                raise
            return AttemptStatus.TIMEOUT, f"{where} did not answer within {timeout:g} s", result
        except ConnectionRefusedError:
            return AttemptStatus.FAILED, f"{where} refused the connection", result
        except OSError as exc:
            reason = os.strerror(exc.errno) if exc.errno else str(exc)
            return AttemptStatus.FAILED, f"{where}: {reason}", result
        result["stage"] = "tls"
        try:
            # Not verified: this probe tests the path, TLS002 judges the certificate.
            tls = await wait_for(self._tls(stream, host, self.unverified), timeout)
        except asyncio.TimeoutError:
            if budget_gone():
                raise
            return (
                AttemptStatus.TIMEOUT,
                f"{where} accepted TCP, but sent no TLS answer within {timeout:g} s",
                result,
            )
        except ssl.SSLError as exc:
            return AttemptStatus.FAILED, f"{where}: TLS: {exc.reason or exc}", result
        except (ConnectRefused, ConnectionError) as exc:
            detail = str(exc) or "the connection was closed"
            return AttemptStatus.FAILED, f"{where}: TLS handshake failed: {detail}", result
        finally:
            stream.close()
        del result["stage"]
        result["tls_version"] = tls.ssl.version()
        return AttemptStatus.OK, None, result

    async def _https_step(
        self, stream: Stream, host: str, port: int, proxy: ProxyRoute | None
    ) -> _Outcome:
        result: dict[str, Any] = {}
        timeout = self.opts.timeout
        try:
            # One timeout for the whole handshake, not per read: a peer that accepts TCP and
            # then stays silent (a firewall dropping TLS, a dead middlebox) is a finding.
            tls = await wait_for(self._tls(stream, host, self.context), timeout)
        except asyncio.TimeoutError:
            if budget_gone():
                raise  # the budget's stop, not a silent peer
            silent = HttpsResult(stage="tls")
            return (
                AttemptStatus.TIMEOUT,
                f"accepted TCP, but sent no TLS answer within {timeout:g} s",
                silent.to_json(),
            )
        except ssl.SSLCertVerificationError as exc:
            # Verification failed: keep why, then look again without verifying so the report
            # still gets the issuer and the server's clock.
            result["verify_error"] = exc.verify_message or str(exc)
            stream.close()
            stream = await (
                self.tunnel(proxy, host, port)
                if proxy
                else self._connect_any((await self.addresses(host, port))[0], port)
            )
            tls = await self._tls(stream, host, self.unverified)
        result.update(_tls_info(tls))
        try:
            response = await wait_for(
                http_get(tls, _host_header(host, port, "https"), "/", body_limit=0), timeout
            )
        except asyncio.TimeoutError:
            stream.close()
            if budget_gone():
                raise
            result["stage"] = "http"
            return (
                AttemptStatus.TIMEOUT,
                f"the TLS handshake completed ({result.get('tls_version')}), but no HTTP answer "
                f"came within {timeout:g} s",
                result,
            )
        result.update(_clock(response))
        result["http_status"] = response.status
        stream.close()
        return AttemptStatus.OK, None, result

    async def _scan_step(
        self, endpoint: Endpoint, address: str | None, proxy: ProxyRoute | None
    ) -> _Outcome:
        from .tls_scan import ScanError, ScanOptions, ScanTarget, scan

        options = ScanOptions(
            timeout=self.opts.timeout, budget=self.opts.budget, proxy=proxy, groups=False
        )
        try:
            result = await scan(ScanTarget(endpoint.host, endpoint.port, address), options)
        except ScanError as exc:
            return AttemptStatus.FAILED, str(exc), {}
        return AttemptStatus.OK, None, result

    async def proxy_check(self, proxy: ProxyRoute, target: Endpoint) -> None:
        """Check that a configured proxy is reachable and opens a tunnel to a sign-in host."""

        async def step() -> _Outcome:
            stream = await self.tunnel(proxy, target.host, target.port)
            stream.close()
            return AttemptStatus.OK, None, {"source": proxy.source, "tunnel_to": target.address}

        await self.rec.run("proxy", proxy.url, proxy.url, step)

    def configured_proxies(self) -> list[ProxyRoute]:
        """Every static proxy the PC is configured with, once each."""
        found: list[ProxyRoute] = []
        candidates = [self.explicit, *self.env.values()]
        for stack in self.stacks:
            for scheme in ("https", "http"):
                server = stack.proxy_for(scheme)
                if server:
                    try:
                        candidates.append(parse_proxy(server, f"{stack.stack} ({stack.source})"))
                    except ValueError:
                        continue
        for route in candidates:
            if route and all((r.host, r.port) != (route.host, route.port) for r in found):
                found.append(route)
        return found


def _registry_stacks(registry: Registry | None) -> list[Any]:
    """WinINet first (what the signed-in user's apps use), then WinHTTP (system context)."""
    if registry is None:
        return []
    from ..parsers.proxy_settings import winhttp_settings, wininet_settings

    stacks: list[Any] = []
    wininet = wininet_settings(registry)
    if wininet is not None:
        stacks.append(wininet)
    stacks.extend(winhttp_settings(registry))
    return stacks


def _failed_step(message: str) -> Callable[[], Awaitable[_Outcome]]:
    async def step() -> _Outcome:
        return AttemptStatus.FAILED, message, {}

    return step


def _skip(reason: str, result: dict[str, Any] | None = None) -> Callable[[], Awaitable[_Outcome]]:
    async def step() -> _Outcome:
        return AttemptStatus.SKIPPED, reason, dict(result or {})

    return step


#: connect() errors of a UDP socket that mean "no route", not "the peer is down".
_NO_ROUTE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT}


def _route_to(address: str, port: int) -> str | None:
    """The local address this PC would send from to ``address``, or ``None`` with no route.

    A UDP ``connect()`` only asks the routing table: no packet leaves the PC. With no IPv6
    route (no global IPv6 address, no default route) it fails at once, as Windows' own
    connection attempt would.
    """
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.connect((address, port))
            return str(sock.getsockname()[0])
    except OSError as exc:
        if exc.errno in _NO_ROUTE:
            return None
        raise


def _host_header(host: str, port: int, scheme: str) -> str:
    default = 443 if scheme == "https" else 80
    name = f"[{host}]" if ":" in host else host
    return name if port == default else f"{name}:{port}"


def _proxy_auth_header(proxy: ProxyRoute) -> dict[str, str] | None:
    if not proxy.credentials:
        return None
    import base64

    token = base64.b64encode(":".join(proxy.credentials).encode()).decode()
    return {"Proxy-Authorization": f"Basic {token}"}


def _ncsi_outcome(response: HttpResponse, expected: str, route: str) -> _Outcome:
    body = response.body.decode("utf-8", errors="replace")
    result: dict[str, Any] = {
        "http_status": response.status,
        "location": response.headers.get("location"),
        "body_excerpt": body[:200],
        "matched": response.status == 200 and expected in body,
        "route": route,
    }
    result.update(_clock(response))
    if response.status == 407:
        result["auth_required"] = True
        result["proxy_authenticate"] = response.headers.get("proxy-authenticate")
        return AttemptStatus.FAILED, "the proxy demands authentication (HTTP 407)", result
    return AttemptStatus.OK, None, result


def _clock(response: HttpResponse) -> dict[str, Any]:
    date = response.headers.get("date")
    if not date:
        return {}
    try:
        server = email.utils.parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return {"date_header": date}
    return {
        "date_header": date,
        "local_time": round(response.received_at, 3),
        "skew_s": round(server - response.received_at, 1),
    }


def _tls_info(tls: TlsStream) -> dict[str, Any]:
    info: dict[str, Any] = {"tls_version": tls.ssl.version()}
    cipher = tls.ssl.cipher()
    if cipher:
        info["cipher"] = cipher[0]
    der = tls.ssl.getpeercert(binary_form=True)
    if der:
        from ..parsers.certificate import CertificateError, certificate_summary

        try:
            summary = certificate_summary(der)
            info["certificate"] = {"subject": summary["subject"], "issuer": summary["issuer"]}
        except CertificateError as exc:
            info["certificate"] = {"error": f"unreadable certificate: {exc}"}
    return info


def _ca_subjects(ca_files: tuple[str, ...]) -> list[str]:
    """Subjects of the certificates in ``--ca-file``: issuers TLS002 accepts besides Microsoft's."""
    if not ca_files:
        return []
    from ..parsers.certificate import CertificateError, certificate_summary, pem_to_der

    subjects: list[str] = []
    for path in ca_files:
        try:
            with open(path, encoding="ascii", errors="replace") as handle:
                blocks = pem_to_der(handle.read())
        except OSError:
            continue
        for der in blocks:
            try:
                subjects.append(certificate_summary(der)["subject"])
            except CertificateError:
                continue
    return subjects


def _tls_context(ca_files: tuple[str, ...], verify: bool) -> ssl.SSLContext:
    context = ssl.create_default_context()
    # Never weaker than what OneDrive itself needs: TLS 1.2 and later only.
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    for path in ca_files:
        context.load_verify_locations(cafile=path)
    return context


async def _run(opts: NetworkOptions, registry: Registry | None) -> dict[str, Any]:
    started = time.monotonic()
    wall = time.time()
    session = _Session(opts, registry)
    jobs: list[Awaitable[None]] = [session.ncsi()]
    jobs.extend(session.endpoint(endpoint) for endpoint in opts.endpoints)
    if opts.endpoints:
        jobs.extend(session.proxy_check(p, opts.endpoints[0]) for p in session.configured_proxies())
    # Tasks copy the context when they are created: every operation of every probe is bounded
    # by this deadline, so a cancellation that asyncio.wait_for drops cannot keep one running.
    DEADLINE.set(started + opts.budget)
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        _, pending = await asyncio.wait(tasks, timeout=opts.budget)
        for task in pending:
            task.cancel()
        # A task that swallowed its cancel ends at its next bounded operation; wait a moment.
        await asyncio.wait(tasks, timeout=1.0)
        results = [_outcome_of(task) for task in tasks]
    finally:
        # Cancelled (Ctrl-C): no probe is left running for asyncio.run() to report, nor the
        # inner tasks asyncio.wait_for made for them.
        here = asyncio.current_task()
        await settle([*tasks, *(t for t in asyncio.all_tasks() if t is not here)])
    for outcome in results:
        if isinstance(outcome, Exception):
            # A bug in a probe must not lose the others' evidence; record it instead.
            session.rec.attempts.append(
                ProbeAttempt(
                    "internal", "probe", AttemptStatus.ERROR, f"{type(outcome).__name__}: {outcome}"
                )
            )
    return {
        "schema_version": PROBES_SCHEMA_VERSION,
        "started": wall,
        "elapsed_s": round(time.monotonic() - started, 3),
        "config": {
            **opts.config_json(),
            "proxies": [{"source": p.source, "url": p.url} for p in session.configured_proxies()],
        },
        "attempts": [attempt.to_json() for attempt in _in_order(session.rec.attempts, opts)],
    }


def _outcome_of(task: asyncio.Future[None]) -> BaseException | None:
    """The task's exception (retrieved, so asyncio never logs it), or ``None``."""
    if not task.done():
        task.cancel()
        return None
    if task.cancelled():
        return None
    return task.exception()


_KIND_ORDER = ("pac", "ncsi", "proxy", "dns", "tcp", "ip_family", "https", "tls_scan")


def _in_order(attempts: list[ProbeAttempt], opts: NetworkOptions) -> list[ProbeAttempt]:
    """Attempts by kind, then in the endpoint catalogue's order: the same run reads the same."""
    rank: dict[str, int] = {}
    for index, endpoint in enumerate(opts.endpoints):
        rank.setdefault(endpoint.host, index)
        rank.setdefault(endpoint.address, index)

    def key(attempt: ProbeAttempt) -> tuple[int, int, int]:
        kind = _KIND_ORDER.index(attempt.probe) if attempt.probe in _KIND_ORDER else 99
        family = 1 if attempt.probe == "ip_family" and attempt.result.get("family") == "IPv6" else 0
        return kind, rank.get(attempt.target, 0), family

    return sorted(attempts, key=key)


def run_network_probes(opts: NetworkOptions, registry: Registry | None = None) -> dict[str, Any]:
    """Run every connectivity probe and return the ``probes.json`` document."""
    return asyncio.run(_run(opts, registry))
