"""Typed probe results: what each attempt observed, with the JSON shape ``probes.json`` holds.

Every probe kind has one result type (``ncsi``, ``dns``, ``tcp``, ``ip_family``, ``https``,
``proxy``, ``pac``, ``tls_scan``, ``replay``). ``from_json`` checks every field's type and names
the bad one with its path ("attempts[3].result.http_status is not an integer"), so a hand-edited or
damaged bundle becomes one clear problem of ``probes.json`` instead of a crash in a check.
``to_json`` writes the keys the probes have always written, in the same order, so a result read
back writes out unchanged (docs/spec/bundle.md, docs/spec/cli.md's scan keys).

A failed attempt may carry what the network said on the way: the DNS answer code
(``rcode``/``resolver``) or the proxy's refusal (``proxy_status``, ``auth_required``,
``proxy_authenticate``). Those fields sit in :class:`ProbeResult`, the base of every type.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar

__all__ = [
    "RESULT_TYPES",
    "SOURCE_DNS",
    "SOURCE_RESOLVE_OPTION",
    "CertificateInfo",
    "ClockReading",
    "DnsResult",
    "FamilyResult",
    "HttpsResult",
    "NcsiResult",
    "PacResult",
    "ProbeResult",
    "ProtocolScan",
    "ProxyResult",
    "ReplayResult",
    "ScanResult",
    "ScanTargetInfo",
    "SuiteEntry",
    "TcpResult",
    "parse_result",
]

R = TypeVar("R", bound="ProbeResult")


class _Fields:
    """Typed reads of one JSON object; every error names the field's path."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise ValueError(f"{where} is not an object")
        self.data: dict[str, Any] = data
        self.where = where

    def _bad(self, key: str, what: str) -> ValueError:
        return ValueError(f"{self.where}.{key} is not {what}")

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None or isinstance(value, str):
            return value
        raise self._bad(key, "a string")

    def integer(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise self._bad(key, "an integer")

    def number(self, key: str) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                return float(value)
            except OverflowError:
                pass
        raise self._bad(key, "a number")

    def flag(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None or isinstance(value, bool):
            return value
        raise self._bad(key, "true or false")

    def obj(self, key: str) -> _Fields | None:
        value = self.data.get(key)
        return None if value is None else _Fields(value, f"{self.where}.{key}")

    def array(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return value
        raise self._bad(key, "a list")

    def texts(self, key: str) -> tuple[str, ...]:
        items = self.array(key)
        for index, item in enumerate(items):
            if not isinstance(item, str):
                raise ValueError(f"{self.where}.{key}[{index}] is not a string")
        return tuple(items)

    def items(self, key: str) -> Iterator[tuple[int, _Fields]]:
        for index, item in enumerate(self.array(key)):
            yield index, _Fields(item, f"{self.where}.{key}[{index}]")


def _put(out: dict[str, Any], key: str, value: Any, always: bool = False) -> None:
    if always or value is not None:
        out[key] = value


@dataclass(frozen=True)
class ProbeResult:
    """What a failed attempt may still carry: the DNS answer code, the proxy's refusal."""

    kind: ClassVar[str] = ""

    rcode: str | None = None
    resolver: str | None = None
    proxy_status: int | None = None
    auth_required: bool | None = None
    proxy_authenticate: str | None = None

    @classmethod
    def from_json(cls: type[R], data: Any, where: str = "result") -> R:
        """Read one attempt's ``result``; ``ValueError`` names the first bad field."""
        f = _Fields(data, where)
        return cls(**cls._common(f), **cls._own(f))

    @staticmethod
    def _common(f: _Fields) -> dict[str, Any]:
        return {
            "rcode": f.text("rcode"),
            "resolver": f.text("resolver"),
            "proxy_status": f.integer("proxy_status"),
            "auth_required": f.flag("auth_required"),
            "proxy_authenticate": f.text("proxy_authenticate"),
        }

    @classmethod
    def _own(cls, f: _Fields) -> dict[str, Any]:
        return {}

    def to_json(self) -> dict[str, Any]:
        """The result as ``probes.json`` stores it."""
        out = self._own_json()
        _put(out, "rcode", self.rcode)
        if self.rcode is not None or (self.resolver is not None and "resolver" not in out):
            out["resolver"] = self.resolver
        _put(out, "proxy_status", self.proxy_status)
        if self.auth_required is not None:
            out["auth_required"] = self.auth_required
            out["proxy_authenticate"] = self.proxy_authenticate
        return out

    def _own_json(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True)
class ClockReading:
    """The server's ``Date`` header against the local clock when the answer arrived."""

    date_header: str | None = None
    local_time: float | None = None
    skew_s: float | None = None

    @classmethod
    def read(cls, f: _Fields) -> ClockReading:
        """The clock fields of a result (absent when the answer had no Date header)."""
        return cls(f.text("date_header"), f.number("local_time"), f.number("skew_s"))

    def put(self, out: dict[str, Any]) -> None:
        """Write the clock fields that were seen into ``out``."""
        _put(out, "date_header", self.date_header)
        _put(out, "local_time", self.local_time)
        _put(out, "skew_s", self.skew_s)


@dataclass(frozen=True)
class CertificateInfo:
    """One certificate as a probe summarised it (``subject``, ``issuer``, ..., or ``error``)."""

    subject: str | None = None
    issuer: str | None = None
    error: str | None = None
    raw: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_json(cls, data: Any, where: str) -> CertificateInfo:
        """Read it back; ``ValueError`` names the first bad field."""
        f = _Fields(data, where)
        return cls(f.text("subject"), f.text("issuer"), f.text("error"), MappingProxyType(f.data))

    def to_json(self) -> dict[str, Any]:
        """As ``probes.json`` stores it."""
        return dict(self.raw)


@dataclass(frozen=True)
class NcsiResult(ProbeResult):
    """The connectivity probe's HTTP answer (Windows' NCSI: ``connecttest.txt``)."""

    kind: ClassVar[str] = "ncsi"

    http_status: int | None = None
    location: str | None = None
    body_excerpt: str | None = None
    matched: bool | None = None
    route: str | None = None
    clock: ClockReading = ClockReading()

    @classmethod
    def _own(cls, f: _Fields) -> dict[str, Any]:
        return {
            "http_status": f.integer("http_status"),
            "location": f.text("location"),
            "body_excerpt": f.text("body_excerpt"),
            "matched": f.flag("matched"),
            "route": f.text("route"),
            "clock": ClockReading.read(f),
        }

    def _own_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.http_status is not None:
            # An answer always records its Location header, also when there is none.
            out.update(http_status=self.http_status, location=self.location)
        _put(out, "body_excerpt", self.body_excerpt)
        _put(out, "matched", self.matched)
        _put(out, "route", self.route)
        self.clock.put(out)
        return out


#: Where an address came from: the analyst's own ``--resolve`` option, or a DNS answer (the
#: system resolver, which includes the hosts file, or ``--dns-server``). NET009 judges DNS
#: answers only: an address the analyst pinned says nothing about the PC's DNS.
SOURCE_RESOLVE_OPTION = "resolve-option"
SOURCE_DNS = "dns"
_SOURCES = (SOURCE_RESOLVE_OPTION, SOURCE_DNS)


@dataclass(frozen=True)
class DnsResult(ProbeResult):
    """A name's addresses and who resolved it (``--resolve``, a DNS server, the system).

    ``sources`` holds, for each address in ``addresses``, where it came from
    (:data:`SOURCE_RESOLVE_OPTION` or :data:`SOURCE_DNS`); ``nameservers`` the DNS servers the
    resolver asked, where they are known (the system resolver's configuration, or
    ``--dns-server``). Bundles written before these fields read back with both empty:
    :meth:`source_of` then infers the source from ``resolver``.
    """

    kind: ClassVar[str] = "dns"

    addresses: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    nameservers: tuple[str, ...] = ()

    @classmethod
    def _own(cls, f: _Fields) -> dict[str, Any]:
        own: dict[str, Any] = {"addresses": f.texts("addresses")} if f.has("addresses") else {}
        sources = f.texts("sources")
        for index, source in enumerate(sources):
            if source not in _SOURCES:
                raise ValueError(f"{f.where}.sources[{index}] is not one of {', '.join(_SOURCES)}")
        if sources and len(sources) != len(own.get("addresses", ())):
            raise ValueError(f"{f.where}.sources does not have one entry per address")
        own["sources"] = sources
        own["nameservers"] = f.texts("nameservers")
        return own

    def source_of(self, index: int) -> str:
        """Where ``addresses[index]`` came from; inferred from ``resolver`` in older bundles."""
        if index < len(self.sources):
            return self.sources[index]
        return SOURCE_RESOLVE_OPTION if self.resolver == "--resolve" else SOURCE_DNS

    def _own_json(self) -> dict[str, Any]:
        if not self.addresses and self.rcode is not None:
            out: dict[str, Any] = {}
        else:
            out = {"addresses": list(self.addresses), "resolver": self.resolver}
        # Written only when known, so an older result reads back and writes out unchanged.
        if self.sources:
            out["sources"] = list(self.sources)
        if self.nameservers:
            out["nameservers"] = list(self.nameservers)
        return out


@dataclass(frozen=True)
class TcpResult(ProbeResult):
    """The address a TCP connection (or a proxy tunnel) reached, and the route taken."""

    kind: ClassVar[str] = "tcp"

    peer: str | None = None
    route: str | None = None

    @classmethod
    def _own(cls, f: _Fields) -> dict[str, Any]:
        return {"peer": f.text("peer"), "route": f.text("route")}

    def _own_json(self) -> dict[str, Any]:
        if self.route is None and self.peer is None:
            return {}
        return {"peer": self.peer, "route": self.route}


@dataclass(frozen=True)
class FamilyResult(ProbeResult):
    """One endpoint over one IP family (NET008): TCP, then the TLS handshake, to one address.

    ``family`` is ``IPv4`` or ``IPv6``; ``addresses`` the endpoint's addresses of that family
    (empty: the name has none, e.g. no AAAA record); ``address`` the one tried (the first, as
    Windows tries them in order); ``route`` whether this PC has a route to it (``False``: no
    route, nothing was sent; ``None``: not looked at); ``local_address`` the PC's own address
    the route leaves from; ``stage`` where a failed attempt stopped: ``tcp`` (refused,
    unreachable or no answer) or ``tls`` (TCP was accepted, the handshake failed or hung);
    ``tls_version`` what a completed handshake negotiated.
    """

    kind: ClassVar[str] = "ip_family"

    family: str | None = None
    addresses: tuple[str, ...] = ()
    address: str | None = None
    route: bool | None = None
    local_address: str | None = None
    stage: str | None = None
    tls_version: str | None = None

    @classmethod
    def _own(cls, f: _Fields) -> dict[str, Any]:
        family = f.text("family")
        if family not in (None, "IPv4", "IPv6"):
            raise ValueError(f"{f.where}.family is not IPv4 or IPv6")
        stage = f.text("stage")
        if stage not in (None, "tcp", "tls"):
            raise ValueError(f"{f.where}.stage is not tcp or tls")
        return {
            "family": family,
            "addresses": f.texts("addresses"),
            "address": f.text("address"),
            "route": f.flag("route"),
            "local_address": f.text("local_address"),
            "stage": stage,
            "tls_version": f.text("tls_version"),
        }

    def _own_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"family": self.family, "addresses": list(self.addresses)}
        # The order the probe writes them in: the route is looked up before the connection.
        for name in ("route", "address", "local_address", "stage", "tls_version"):
            _put(out, name, getattr(self, name))
        return out


@dataclass(frozen=True)
class HttpsResult(ProbeResult):
    """TLS and HTTP to an endpoint: the handshake, its certificate, the HTTP answer.

    ``stage`` says where a timed-out attempt stopped: ``tls`` (TCP was accepted, no TLS answer:
    a firewall or middlebox dropping TLS) or ``http`` (the handshake completed, no HTTP answer).
    """

    kind: ClassVar[str] = "https"

    verify_error: str | None = None
    tls_version: str | None = None
    cipher: str | None = None
    certificate: CertificateInfo | None = None
    clock: ClockReading = ClockReading()
    http_status: int | None = None
    stage: str | None = None

    @classmethod
    def _own(cls, f: _Fields) -> dict[str, Any]:
        certificate = f.data.get("certificate")
        return {
            "verify_error": f.text("verify_error"),
            "tls_version": f.text("tls_version"),
            "cipher": f.text("cipher"),
            "certificate": None
            if certificate is None
            else CertificateInfo.from_json(certificate, f"{f.where}.certificate"),
            "clock": ClockReading.read(f),
            "http_status": f.integer("http_status"),
            "stage": f.text("stage"),
        }

    def _own_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        _put(out, "verify_error", self.verify_error)
        _put(out, "tls_version", self.tls_version)
        _put(out, "cipher", self.cipher)
        if self.certificate is not None:
            out["certificate"] = self.certificate.to_json()
        self.clock.put(out)
        _put(out, "http_status", self.http_status)
        _put(out, "stage", self.stage)
        return out


@dataclass(frozen=True)
class ProxyResult(ProbeResult):
    """A configured proxy that opened a tunnel: where its setting came from, and to where."""

    kind: ClassVar[str] = "proxy"

    source: str | None = None
    tunnel_to: str | None = None

    @classmethod
    def _own(cls, f: _Fields) -> dict[str, Any]:
        return {"source": f.text("source"), "tunnel_to": f.text("tunnel_to")}

    def _own_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        _put(out, "source", self.source)
        _put(out, "tunnel_to", self.tunnel_to)
        return out


@dataclass(frozen=True)
class PacResult(ProbeResult):
    """A PAC file that was fetched: its size."""

    kind: ClassVar[str] = "pac"

    size: int | None = None

    @classmethod
    def _own(cls, f: _Fields) -> dict[str, Any]:
        return {"size": f.integer("bytes")}

    def _own_json(self) -> dict[str, Any]:
        return {} if self.size is None else {"bytes": self.size}


@dataclass(frozen=True)
class SuiteEntry:
    """One accepted cipher suite: IANA name and code (``0xC030``)."""

    name: str
    code: str

    def to_json(self) -> dict[str, str]:
        """As ``probes.json`` stores it."""
        return {"name": self.name, "code": self.code}


@dataclass(frozen=True)
class ProtocolScan:
    """What one protocol version accepted, in the server's order when it has one."""

    accepted: bool
    cipher_suites: tuple[SuiteEntry, ...] = ()
    server_order: bool | None = None
    notes: tuple[str, ...] | None = None
    skipped: bool | None = None

    @property
    def suite_names(self) -> tuple[str, ...]:
        """The accepted suites' names, in order; none when the protocol is not accepted."""
        return tuple(s.name for s in self.cipher_suites) if self.accepted else ()

    @classmethod
    def from_json(cls, data: Any, where: str) -> ProtocolScan:
        """Read it back; ``ValueError`` names the first bad field."""
        f = _Fields(data, where)
        suites = []
        for _, item in f.items("cipher_suites"):
            name, code = item.text("name"), item.text("code")
            if name is None or code is None:
                raise ValueError(f"{item.where} needs a 'name' and a 'code'")
            suites.append(SuiteEntry(name, code))
        return cls(
            accepted=bool(f.flag("accepted")),
            cipher_suites=tuple(suites),
            server_order=f.flag("server_order"),
            notes=f.texts("notes") if f.has("notes") else None,
            skipped=f.flag("skipped"),
        )

    def to_json(self) -> dict[str, Any]:
        """As ``probes.json`` stores it."""
        out: dict[str, Any] = {
            "accepted": self.accepted,
            "cipher_suites": [s.to_json() for s in self.cipher_suites],
            "server_order": self.server_order,
        }
        if self.notes is not None:
            out["notes"] = list(self.notes)
        _put(out, "skipped", self.skipped)
        return out


@dataclass(frozen=True)
class ScanTargetInfo:
    """What was scanned: the name, port, SNI sent, address reached and proxy used."""

    host: str | None = None
    port: int | None = None
    sni: str | None = None
    address: str | None = None
    proxy: str | None = None

    @classmethod
    def from_json(cls, data: Any, where: str) -> ScanTargetInfo:
        """Read it back; ``ValueError`` names the first bad field."""
        f = _Fields(data, where)
        return cls(
            f.text("host"), f.integer("port"), f.text("sni"), f.text("address"), f.text("proxy")
        )

    def to_json(self) -> dict[str, Any]:
        """As ``probes.json`` stores it."""
        return {
            "host": self.host,
            "port": self.port,
            "sni": self.sni,
            "address": self.address,
            "proxy": self.proxy,
        }


@dataclass(frozen=True)
class ScanResult(ProbeResult):
    """A TLS scan: protocols, suites, groups, chain, AFD policy (the keys of docs/spec/cli.md)."""

    kind: ClassVar[str] = "tls_scan"

    target: ScanTargetInfo = ScanTargetInfo()
    protocols: Mapping[str, ProtocolScan] = field(default_factory=lambda: MappingProxyType({}))
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    certificate_chain: tuple[CertificateInfo, ...] = ()
    afd_policy: str | None = None
    connections: int | None = None
    elapsed_s: float | None = None

    def protocol(self, label: str) -> ProtocolScan:
        """One protocol's entry (``TLSv1.2``); not accepted when the scan lacks it."""
        return self.protocols.get(label) or ProtocolScan(accepted=False)

    @property
    def accepted_protocols(self) -> list[str]:
        """The protocol versions the peer completed a handshake with, in the scan's order."""
        return [label for label, entry in self.protocols.items() if entry.accepted]

    @property
    def all_groups(self) -> list[str]:
        """Every group seen in any protocol, sorted."""
        return sorted({g for names in self.groups.values() for g in names})

    @classmethod
    def _own(cls, f: _Fields) -> dict[str, Any]:
        target = f.obj("target")
        protocols = f.obj("protocols")
        groups = f.obj("groups")
        return {
            "target": ScanTargetInfo()
            if target is None
            else ScanTargetInfo.from_json(target.data, target.where),
            "protocols": MappingProxyType(
                {
                    label: ProtocolScan.from_json(entry, f"{protocols.where}.{label}")
                    for label, entry in protocols.data.items()
                }
                if protocols
                else {}
            ),
            "groups": MappingProxyType(
                {label: groups.texts(label) for label in groups.data} if groups else {}
            ),
            "certificate_chain": tuple(
                CertificateInfo.from_json(item.data, item.where)
                for _, item in f.items("certificate_chain")
            ),
            "afd_policy": f.text("afd_policy"),
            "connections": f.integer("connections"),
            "elapsed_s": f.number("elapsed_s"),
        }

    def _own_json(self) -> dict[str, Any]:
        return {
            "target": self.target.to_json(),
            "protocols": {label: entry.to_json() for label, entry in self.protocols.items()},
            "groups": {label: list(names) for label, names in self.groups.items()},
            "certificate_chain": [c.to_json() for c in self.certificate_chain],
            "afd_policy": self.afd_policy,
            "connections": self.connections,
            "elapsed_s": self.elapsed_s,
        }


@dataclass(frozen=True)
class ReplayResult(ProbeResult):
    """What the endpoint answered the PC's own ClientHello: a ServerHello, an alert, or an end.

    ``accepted`` with ``protocol`` and ``cipher_suite``; else ``alert`` (its name) or
    ``closed`` (how the connection ended, in words).
    """

    kind: ClassVar[str] = "replay"

    address: str | None = None
    accepted: bool | None = None
    protocol: str | None = None
    cipher_suite: str | None = None
    hello_retry_request: bool | None = None
    alert: str | None = None
    closed: str | None = None
    # The proxy the bundle's PC reached this endpoint through, shown but not followed when
    # ``analyze --live`` replays from the analyst's machine (a bundle cannot steer it).
    bundle_route: str | None = None

    @classmethod
    def _own(cls, f: _Fields) -> dict[str, Any]:
        return {
            "address": f.text("address"),
            "bundle_route": f.text("bundle_route"),
            "accepted": f.flag("accepted"),
            "protocol": f.text("protocol"),
            "cipher_suite": f.text("cipher_suite"),
            "hello_retry_request": f.flag("hello_retry_request"),
            "alert": f.text("alert"),
            "closed": f.text("closed"),
        }

    def _own_json(self) -> dict[str, Any]:
        if self.accepted is None:
            return {}
        out: dict[str, Any] = {"address": self.address, "accepted": self.accepted}
        for name in (
            "protocol",
            "cipher_suite",
            "hello_retry_request",
            "alert",
            "closed",
            "bundle_route",
        ):
            _put(out, name, getattr(self, name))
        return out


RESULT_TYPES: Mapping[str, type[ProbeResult]] = MappingProxyType(
    {
        cls.kind: cls
        for cls in (
            NcsiResult,
            DnsResult,
            TcpResult,
            FamilyResult,
            HttpsResult,
            ProxyResult,
            PacResult,
            ScanResult,
            ReplayResult,
        )
    }
)


def parse_result(probe: str, data: Any, where: str = "result") -> ProbeResult:
    """The typed result of a ``probe`` attempt; kinds this version does not know keep the base."""
    return RESULT_TYPES.get(probe, ProbeResult).from_json(data, where)
