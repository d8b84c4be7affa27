"""The TLS scanner: what a server (or the middlebox in front of it) accepts.

Which protocols, cipher suites and groups, in which order, and its certificate chain.

The wire format lives in :mod:`onedrive_doctor.tls` (sans-I/O); this module only moves bytes.
Per protocol it offers every suite, records the one the server picks, removes it and offers the
rest again until the server refuses: one connection per accepted suite plus one. A server that
resets long ClientHellos gets the offer in chunks, as nmap's ssl-enum-ciphers does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .. import tls
from ..tls import ClientHelloSpec, ProtocolVersion, ServerReader
from ..tls.suites import SUITES, suites_for
from ._streams import (
    DEADLINE,
    ConnectRefused,
    ProxyError,
    Stream,
    bounded,
    budget_gone,
    open_tcp,
    proxy_connect,
)
from ._tasks import gather_all, wait_for
from .resolver import DnsFailure, resolve

__all__ = ["PROTOCOLS", "ScanError", "ScanOptions", "ScanTarget", "scan", "scan_sync"]

PROTOCOLS = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")

# A hello this long or longer is split when the server closes on it: some middleboxes drop
# ClientHellos over 255 bytes or with many suites (the F5 and Citrix bugs nmap works around).
_MIN_CHUNK = 16
_CHUNK_AFTER_RESET = 64

_RENEGOTIATION_SCSV = 0x00FF
_PROTOCOL_VERSION = 70  # the alert a server sends for a version it does not speak

# Offered first when testing whether a server drops long hellos: what real clients send.
_COMMON_SUITES = (
    0xC02F,
    0xC030,
    0xC02B,
    0xC02C,
    0x009E,
    0x009F,
    0xC027,
    0xC028,
    0xC013,
    0xC014,
    0x009C,
    0x009D,
    0x002F,
    0x0035,
    0x003C,
    0x003D,
    0x000A,
    0x1301,
    0x1302,
    0x1303,
)


class ScanError(Exception):
    """The scan could not start: nothing listens, the name does not resolve, not TLS at all."""


class _ProxyUnreachable(Exception):
    """No TCP connection to the proxy itself (``--proxy``), so the target was never tried."""


@dataclass(frozen=True)
class ScanTarget:
    """What to scan: ``host`` is the name (SNI, proxy CONNECT target), ``address`` where to go."""

    host: str
    port: int = 443
    address: str | None = None
    sni: str | None = None

    @property
    def where(self) -> str:
        """``host:port``, an IPv6 literal in brackets (``[::1]:443``, RFC 3986 §3.2.2)."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def server_name(self) -> str | None:
        """The SNI to send (``None`` for an IP address literal: RFC 6066 §3 forbids those)."""
        if self.sni is not None:
            return self.sni
        import ipaddress

        try:
            ipaddress.ip_address(self.host)
        except ValueError:
            return self.host
        return None


@dataclass(frozen=True)
class ScanOptions:
    """Limits and routes of one scan."""

    timeout: float = 5.0
    budget: float = 30.0
    concurrency: int = 6
    proxy: Any = None  # a probes.proxy.ProxyRoute; Any keeps this module's import light
    protocols: tuple[str, ...] = PROTOCOLS
    groups: bool = True
    certificates: bool = True
    resolve: Mapping[tuple[str, int], str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass
class _Exchange:
    """What one ClientHello got back."""

    hello: tls.ServerHello | None = None
    alert: tls.Alert | None = None
    certificates: tuple[bytes, ...] = ()
    curve: int | None = None
    sslv2: tls.SSLv2ServerHello | None = None
    closed: str | None = None  # closed / reset / timeout / decode error, in words
    timed_out: bool = False

    @property
    def answered(self) -> bool:
        """The server said something TLS: a hello or an alert."""
        return self.hello is not None or self.alert is not None or self.sslv2 is not None


@dataclass
class _ProtocolResult:
    accepted: list[int] = field(default_factory=list)
    server_order: bool | None = None
    notes: list[str] = field(default_factory=list)
    certificates: tuple[bytes, ...] = ()
    chunked: bool = False
    groups: list[int] = field(default_factory=list)


class Scanner:
    def __init__(self, target: ScanTarget, opts: ScanOptions) -> None:
        self.target = target
        self.opts = opts
        self.connections = 0
        self.address: str | None = target.address
        self._slots = asyncio.Semaphore(max(1, opts.concurrency))
        self.reachable = False
        self.tls_seen = False
        self.first_error: str | None = None
        self.out_of_budget = False  # a step found the scan's budget gone: results are partial

    # ---- one connection ---------------------------------------------------------------
    async def _open(self) -> Stream:
        proxy = self.opts.proxy
        if proxy is not None:
            try:
                stream = await open_tcp(proxy.host, proxy.port, self.opts.timeout)
            except (OSError, asyncio.TimeoutError) as exc:
                # Nothing was tried past the proxy: the target must not take the blame.
                raise _ProxyUnreachable(_proxy_error(proxy, exc)) from exc
            self.connections += 1
            try:
                await proxy_connect(stream, self.target.host, self.target.port, proxy.credentials)
            except BaseException:
                stream.close()
                raise
            return stream
        if self.address is None:
            addresses, _ = await resolve(
                self.target.host, self.target.port, self.opts.timeout, None
            )
            self.address = addresses[0]
        stream = await open_tcp(self.address, self.target.port, self.opts.timeout)
        self.connections += 1
        return stream

    async def exchange(
        self, hello: bytes, until: Callable[[_Exchange], bool], sslv2: bool = False
    ) -> _Exchange:
        """Send one ClientHello and read until ``until`` says enough, an alert, or the end."""
        async with self._slots:
            result = _Exchange()
            try:
                limit = bounded(self.opts.timeout)
                await wait_for(self._exchange(hello, until, sslv2, result), limit)
            except asyncio.TimeoutError:
                if budget_gone():
                    self.out_of_budget = True
                    result.closed = "stopped: the scan's budget ran out"
                else:
                    result.closed = result.closed or f"no answer within {self.opts.timeout:g} s"
                result.timed_out = True
            except _ProxyUnreachable as exc:
                result.closed = str(exc)
                if not self.reachable:
                    raise ScanError(str(exc)) from exc
            except (ConnectionRefusedError, ProxyError) as exc:
                result.closed = str(exc) or "connection refused"
                if not self.reachable:
                    raise ScanError(_connect_error(self.target, exc)) from exc
            except ConnectionError as exc:
                result.closed = f"connection {type(exc).__name__.replace('Error', '').lower()}"
            except OSError as exc:
                result.closed = exc.strerror or str(exc)
                if not self.reachable:
                    raise ScanError(_connect_error(self.target, exc)) from exc
            except tls.TlsDecodeError as exc:
                result.closed = f"malformed reply: {exc}"
                if not self.tls_seen and "not TLS" in str(exc):
                    raise ScanError(f"{self.target.where} is not a TLS service: {exc}") from exc
            except DnsFailure as exc:
                raise ScanError(f"{self.target.host} does not resolve: {exc}") from exc
            except (ConnectRefused, ValueError) as exc:
                # The proxy closed the tunnel request or answered something that is not HTTP.
                result.closed = str(exc)
                if not self.reachable:
                    raise ScanError(f"cannot reach {self.target.where}: {exc}") from exc
            if result.answered:
                self.tls_seen = True
            return result

    async def _exchange(
        self, hello: bytes, until: Callable[[_Exchange], bool], sslv2: bool, result: _Exchange
    ) -> None:
        stream = await self._open()
        self.reachable = True
        try:
            await stream.write(hello)
            reader = ServerReader(expect_sslv2=sslv2)
            while True:
                event = reader.next_event()
                if event is None:
                    data = await stream.reader.read(65536)
                    if not data:
                        result.closed = "the server closed the connection"
                        return
                    reader.feed(data)
                    continue
                if isinstance(event, tls.ServerHello):
                    result.hello = event
                elif isinstance(event, tls.Alert):
                    if not event.fatal and result.hello is None:
                        continue  # a warning (e.g. unrecognized_name) before the hello: go on
                    result.alert = event
                    return
                elif isinstance(event, tls.Certificate):
                    result.certificates = event.certificates
                elif isinstance(event, tls.ServerKeyExchange):
                    result.curve = event.curve
                elif isinstance(event, tls.SSLv2ServerHello):
                    result.sslv2 = event
                    return
                elif isinstance(event, tls.SSLv2Error):
                    result.closed = f"SSL 2.0 error {event.name}"
                    return
                elif isinstance(event, (tls.ServerHelloDone, tls.EncryptedRecord)):
                    return
                if until(result):
                    return
        finally:
            stream.close()

    # ---- protocol enumeration ---------------------------------------------------------
    def _hello(self, version: ProtocolVersion, suites: list[int], **extra: Any) -> bytes:
        if version == ProtocolVersion.SSLv3:
            suites = [*suites, _RENEGOTIATION_SCSV]
            extra.setdefault("extensions_enabled", False)
        if version == ProtocolVersion.TLSv1_3:
            # No key share: the server answers with a HelloRetryRequest, which names the suite
            # it picked without signing anything, so a scan costs the server almost nothing.
            extra.setdefault("key_share_groups", ())
        spec = ClientHelloSpec(
            version=version,
            cipher_suites=tuple(suites),
            server_name=self.target.server_name,
            record_version=min(version, ProtocolVersion.TLSv1_0)
            if version != ProtocolVersion.TLSv1_3
            else ProtocolVersion.TLSv1_0,
            **extra,
        )
        return tls.build_client_hello(spec)

    async def _offer(self, version: ProtocolVersion, suites: list[int], certs: bool) -> _Exchange:
        """One hello; a short one closed without a word gets one retry (a reset can be luck).

        A long one is not retried: the shorter hello that follows it tells bad luck from a
        server that drops long hellos, at the same cost.
        """
        hello = self._hello(version, suites)
        ex = await self.exchange(hello, _stop_after_hello(certs))
        if not ex.answered and ex.hello is None and not ex.timed_out and len(suites) <= _MIN_CHUNK:
            ex = await self.exchange(hello, _stop_after_hello(certs))
        return ex

    async def protocol(self, label: str) -> _ProtocolResult:
        version = ProtocolVersion.from_label(label)
        remaining = [s.code for s in suites_for(label)]
        result = _ProtocolResult()
        limit: int | None = None  # set once the server has shown it drops long hellos
        position = 0
        want_certs = self.opts.certificates and version != ProtocolVersion.TLSv1_3
        while position < len(remaining):
            offer = remaining[position : position + limit] if limit else remaining
            ex = await self._offer(version, offer, want_certs and not result.certificates)
            chosen = _chosen_suite(ex, version)
            if chosen is not None and chosen in offer:
                result.accepted.append(chosen)
                remaining.remove(chosen)
                result.certificates = result.certificates or ex.certificates
                continue
            if chosen is not None:
                result.notes.append(f"the server chose suite {chosen:#06x}, which was not offered")
                break
            if ex.answered or ex.hello is not None:
                # An alert, or a ServerHello for another version: nothing here is accepted.
                if limit:
                    position += len(offer)
                    continue
                break
            if limit is None and len(offer) > _MIN_CHUNK:
                # Closed twice on the long hello. A short one tells intolerance from refusal.
                probe = [c for c in _COMMON_SUITES if c in offer][:_MIN_CHUNK] or offer[:_MIN_CHUNK]
                short = await self._offer(version, probe, False)
                refused = short.alert is not None and short.alert.description == _PROTOCOL_VERSION
                speaks = _chosen_suite(short, version) is not None or (
                    short.alert is not None and not refused
                )
                if speaks:
                    limit = _CHUNK_AFTER_RESET
                    result.chunked = True
                    result.notes.append(
                        f"the server drops a {len(offer)}-suite hello; offered "
                        f"{limit} suites at a time"
                    )
                    continue
                ex = short
            elif limit and len(offer) > _MIN_CHUNK:
                limit = max(_MIN_CHUNK, len(offer) // 2)
                continue
            elif limit:
                position += len(offer)
                continue
            if ex.closed and label not in ("SSLv2", "SSLv3"):
                result.notes.append(ex.closed)
            break
        await self._order(version, result)
        return result

    async def _order(self, version: ProtocolVersion, result: _ProtocolResult) -> None:
        """Does the server or the client order win? Offer the accepted suites reversed."""
        if len(result.accepted) < 2:
            return
        if result.chunked:
            # Across chunks the pick order is not the server's preference: redo it on the
            # accepted suites only.
            remaining = list(result.accepted)
            ordered: list[int] = []
            while remaining:
                ex = await self.exchange(self._hello(version, remaining), _stop_after_hello(False))
                chosen = _chosen_suite(ex, version)
                if chosen is None or chosen not in remaining:
                    break
                ordered.append(chosen)
                remaining.remove(chosen)
            result.accepted = ordered + remaining
        reverse = list(reversed(result.accepted))
        ex = await self.exchange(self._hello(version, reverse), _stop_after_hello(False))
        chosen = _chosen_suite(ex, version)
        if chosen == result.accepted[0]:
            result.server_order = True
        elif chosen == reverse[0]:
            result.server_order = False
            result.accepted.sort(key=lambda code: list(SUITES).index(code))

    async def sslv2(self) -> _ProtocolResult:
        result = _ProtocolResult()
        kinds = list(tls.SSL2_CIPHER_KINDS)
        ex = await self.exchange(tls.build_sslv2_client_hello(kinds), lambda _: True, sslv2=True)
        if ex.sslv2 is not None:
            result.accepted = [k for k in ex.sslv2.cipher_kinds if k in tls.SSL2_CIPHER_KINDS]
            if ex.sslv2.certificate:
                result.certificates = (ex.sslv2.certificate,)
        return result

    async def groups_tls13(self) -> list[int]:
        """Server-preferred groups, by elimination with an empty key_share (RFC 8446 §4.2.8)."""
        remaining = [int(g) for g in tls.NamedGroup if not tls.is_grease(int(g))]
        found: list[int] = []
        suites = [s.code for s in suites_for("TLSv1.3")]
        while remaining:
            ex = await self.exchange(
                self._hello(
                    ProtocolVersion.TLSv1_3, suites, groups=tuple(remaining), key_share_groups=()
                ),
                _stop_after_hello(False),
            )
            group = ex.hello.key_share_group if ex.hello is not None else None
            if group is None or group not in remaining:
                break
            found.append(group)
            remaining.remove(group)
        return found

    async def groups_tls12(self, ecdhe_suites: list[int]) -> list[int]:
        """Curves for ECDHE in TLS 1.2, from the ServerKeyExchange, by elimination."""
        remaining = [int(g) for g in tls.NamedGroup if int(g) < 0x0100 and int(g) != 0]
        found: list[int] = []
        while remaining:
            ex = await self.exchange(
                self._hello(ProtocolVersion.TLSv1_2, ecdhe_suites, groups=tuple(remaining)),
                lambda e: e.curve is not None,
            )
            if ex.curve is None or ex.curve not in remaining:
                break
            found.append(ex.curve)
            remaining.remove(ex.curve)
        return found


def _stop_after_hello(need_certs: bool) -> Callable[[_Exchange], bool]:
    if need_certs:
        return lambda ex: (
            bool(ex.certificates)
            or (ex.hello is not None and ex.hello.selected_version == ProtocolVersion.TLSv1_3)
        )
    return lambda ex: ex.hello is not None


def _chosen_suite(ex: _Exchange, version: ProtocolVersion) -> int | None:
    if ex.hello is None:
        return None
    if int(ex.hello.selected_version) != int(version):
        return None
    return ex.hello.cipher_suite


def _connect_error(target: ScanTarget, exc: BaseException) -> str:
    where = target.where
    if isinstance(exc, ConnectionRefusedError):
        return f"nothing listens on {where} (connection refused)"
    if isinstance(exc, ProxyError):
        return f"the proxy would not connect to {where}: {exc}"
    return f"cannot connect to {where}: {getattr(exc, 'strerror', None) or exc}"


def _proxy_error(proxy: Any, exc: BaseException) -> str:
    where = f"{proxy.host}:{proxy.port}"
    if isinstance(exc, ConnectionRefusedError):
        why = f"nothing listens on {where} (connection refused)"
    elif isinstance(exc, asyncio.TimeoutError):
        why = f"{where} did not answer within the timeout"
    else:
        why = f"{where}: {getattr(exc, 'strerror', None) or exc}"
    return f"the proxy {proxy.url} is unreachable: {why}; the target was not tried"


def _suite_json(code: int) -> dict[str, str]:
    suite = SUITES.get(code)
    return {"name": suite.name if suite else f"UNKNOWN_{code:04X}", "code": f"0x{code:04X}"}


def _sslv2_json(kind: int) -> dict[str, str]:
    return {"name": tls.SSL2_CIPHER_KINDS.get(kind, f"SSL_CK_{kind:06X}"), "code": f"0x{kind:06X}"}


def _certificate_json(der: bytes) -> dict[str, Any]:
    from ..parsers.certificate import CertificateError, certificate_summary

    try:
        return certificate_summary(der)
    except CertificateError as exc:
        return {"error": f"unreadable certificate: {exc}"}


async def _chain_via_ssl(scanner: Scanner) -> tuple[bytes, ...]:
    """One real handshake with the ``ssl`` module, for TLS 1.3-only servers (encrypted chain)."""
    import ssl

    from ._streams import TlsStream

    # Only the chain is wanted, not a verdict on it: no trust store to load.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    async with scanner._slots:
        stream = await scanner._open()
        try:
            tls_stream = TlsStream(stream, context, scanner.target.server_name)
            limit = bounded(scanner.opts.timeout)
            await wait_for(tls_stream.handshake(), limit)
            chain = getattr(tls_stream.ssl, "get_unverified_chain", None)
            if chain is not None:  # Python 3.13 and later: the whole chain as sent
                certs = [c for c in chain() if isinstance(c, (bytes, bytearray))]
                if certs:
                    return tuple(bytes(c) for c in certs)
            leaf = tls_stream.ssl.getpeercert(binary_form=True)
            return (leaf,) if leaf else ()
        finally:
            stream.close()


async def scan(target: ScanTarget, opts: ScanOptions) -> dict[str, Any]:
    """Scan ``target``; the result has the stable keys of docs/spec/cli.md. Raises ``ScanError``."""
    from ..knowledge.afd import match_policy

    started = time.monotonic()
    scanner = Scanner(target, opts)
    if scanner.address is None:
        scanner.address = opts.resolve.get((target.host.lower(), target.port))

    async def protocol_and_groups(label: str) -> _ProtocolResult:
        result = await _run_protocol(scanner, label)
        if opts.groups and result.accepted:
            result.groups = await _groups(scanner, label, result)
        return result

    async def run() -> dict[str, _ProtocolResult]:
        # Every protocol at once: the elimination chains are sequential within a protocol, so
        # running them side by side is what keeps the scan short. A dead port or a port that
        # is not TLS fails every chain on its first connection, all together.
        done = await gather_all(*(protocol_and_groups(p) for p in opts.protocols))
        return dict(zip(opts.protocols, done, strict=True))

    # Every connection, read and handshake is bounded by the deadline (_streams.bounded), so
    # the scan ends at its budget by itself and keeps what it found; the outer wait is only a
    # safety net.
    outer = DEADLINE.get()  # inside diagnose, the run's deadline may come first
    token = DEADLINE.set(min(started + opts.budget, outer or float("inf")))
    try:
        results = await wait_for(run(), opts.budget + 1.0)
    except asyncio.TimeoutError as exc:
        raise ScanError(
            f"the scan of {target.where} did not finish within its budget of {opts.budget:g} s"
        ) from exc
    finally:
        DEADLINE.reset(token)
    if scanner.out_of_budget and not scanner.tls_seen:
        raise ScanError(
            f"the scan of {target.host}:{target.port} did not finish within its "
            f"budget of {opts.budget:g} s"
        )
    if scanner.out_of_budget:
        for label in opts.protocols:
            results[label].notes.append(
                f"incomplete: the scan's budget of {opts.budget:g} s ran out; "
                "what is listed was found before"
            )
    if not scanner.tls_seen and opts.proxy is not None and not scanner.reachable:
        raise ScanError(
            f"the proxy {opts.proxy.url} gave no tunnel to {target.where} within "
            f"{opts.timeout:g} s: the proxy did not answer"
        )
    if not scanner.tls_seen:
        raise ScanError(
            f"{target.where} answered no TLS hello of any version "
            f"({_first_note(results) or 'no reply'})"
        )
    groups = {
        label: [tls.name_of(tls.NamedGroup, g) for g in result.groups]
        for label, result in results.items()
        if result.groups
    }
    chain: tuple[bytes, ...] = next(
        (r.certificates for r in results.values() if r.certificates), ()
    )
    if opts.certificates and not chain and results.get("TLSv1.3", _ProtocolResult()).accepted:
        try:
            chain = await _chain_via_ssl(scanner)
        except (OSError, asyncio.TimeoutError, ValueError, ProxyError, ConnectRefused) as exc:
            results["TLSv1.3"].notes.append(f"certificate chain not read: {exc}")
    protocols: dict[str, Any] = {}
    for label in PROTOCOLS:
        result = results.get(label)
        entry: dict[str, Any] = {
            "accepted": bool(result and result.accepted),
            "cipher_suites": [],
            "server_order": result.server_order if result else None,
        }
        if result:
            render = _sslv2_json if label == "SSLv2" else _suite_json
            entry["cipher_suites"] = [render(code) for code in result.accepted]
            if result.notes:
                entry["notes"] = result.notes
        if label not in opts.protocols:
            entry["skipped"] = True
        protocols[label] = entry
    tls12 = [s["name"] for s in protocols["TLSv1.2"]["cipher_suites"]]
    legacy = protocols["TLSv1.0"]["accepted"] or protocols["TLSv1.1"]["accepted"]
    return {
        "target": {
            "host": target.host,
            "port": target.port,
            "sni": target.server_name,
            "address": scanner.address,
            "proxy": opts.proxy.url if opts.proxy is not None else None,
        },
        "protocols": protocols,
        "groups": groups,
        "certificate_chain": [_certificate_json(der) for der in chain],
        "afd_policy": match_policy(tls12, legacy),
        "connections": scanner.connections,
        "elapsed_s": round(time.monotonic() - started, 3),
    }


async def _run_protocol(scanner: Scanner, label: str) -> _ProtocolResult:
    if label == "SSLv2":
        return await scanner.sslv2()
    return await scanner.protocol(label)


async def _groups(scanner: Scanner, label: str, result: _ProtocolResult) -> list[int]:
    """The groups of TLS 1.3 (HelloRetryRequests) or TLS 1.2 (ECDHE ServerKeyExchange)."""
    if label == "TLSv1.3":
        return await scanner.groups_tls13()
    ecdhe = [c for c in result.accepted if SUITES[c].kex.startswith("ECDHE")]
    if label == "TLSv1.2" and ecdhe:
        return await scanner.groups_tls12(ecdhe)
    return []


def _first_note(results: dict[str, _ProtocolResult]) -> str | None:
    for result in results.values():
        if result.notes:
            return result.notes[0]
    return None


def scan_sync(target: ScanTarget, opts: ScanOptions) -> dict[str, Any]:
    """:func:`scan` for callers without an event loop."""
    return asyncio.run(scan(target, opts))
