"""Which proxy a connection to a host goes through.

Candidates: ``--proxy``, the environment, WinINet, WinHTTP, or a PAC file's answer.
"""

from __future__ import annotations

import fnmatch
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

__all__ = ["ProxyRoute", "env_routes", "no_proxy_matches", "pac_answer_to_route", "parse_proxy"]


@dataclass(frozen=True)
class ProxyRoute:
    """One HTTP proxy and where its setting came from."""

    source: str
    host: str
    port: int
    credentials: tuple[str, str] | None = field(default=None, repr=False)
    bypass: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        """The proxy as a URL without credentials, for messages."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def bypasses(self, host: str) -> bool:
        """True when ``host`` is on this proxy's bypass list."""
        return no_proxy_matches(host, self.bypass)


def parse_proxy(text: str, source: str, bypass: tuple[str, ...] = ()) -> ProxyRoute:
    """Read ``http://user:pass@host:port``, ``host:port`` or ``host``; ``ValueError`` if bad."""
    value = text.strip()
    if "://" not in value:
        value = "http://" + value
    parts = urlsplit(value)
    if parts.scheme.lower() not in {"http", "https"}:
        raise ValueError(f"unsupported proxy scheme {parts.scheme!r} in {text!r}")
    try:
        port = parts.port or 8080
    except ValueError as exc:
        raise ValueError(f"bad port in proxy {text!r}") from exc
    if not parts.hostname:
        raise ValueError(f"no host in proxy {text!r}")
    creds = None
    if parts.username is not None:
        creds = (unquote(parts.username), unquote(parts.password or ""))
    return ProxyRoute(source, parts.hostname, port, creds, bypass)


def env_routes(environ: Mapping[str, str]) -> dict[str, ProxyRoute]:
    """The proxies the environment sets, by URL scheme (``http``, ``https``)."""
    bypass = tuple(
        item.strip()
        for item in (environ.get("NO_PROXY") or environ.get("no_proxy") or "").split(",")
        if item.strip()
    )
    routes: dict[str, ProxyRoute] = {}
    for scheme in ("http", "https"):
        for name in (f"{scheme}_proxy", f"{scheme.upper()}_PROXY", "all_proxy", "ALL_PROXY"):
            value = environ.get(name)
            if value:
                try:
                    routes[scheme] = parse_proxy(value, f"environment ({name})", bypass)
                except ValueError:
                    continue  # e.g. a SOCKS proxy for other tools: not one OneDrive uses
                break
    return routes


def no_proxy_matches(host: str, patterns: tuple[str, ...]) -> bool:
    """``NO_PROXY`` / ``ProxyOverride`` semantics: suffixes, ``*`` wildcards, ``<local>``."""
    host = host.lower().rstrip(".")
    for raw in patterns:
        pattern = raw.strip().lower()
        if not pattern:
            continue
        if pattern == "*":
            return True
        if pattern == "<local>":
            if "." not in host:
                return True
            continue
        if "/" in pattern and _in_network(host, pattern):
            return True
        if "*" in pattern or "?" in pattern:
            if fnmatch.fnmatchcase(host, pattern):
                return True
            continue
        suffix = pattern.lstrip(".")
        if host == suffix or host.endswith("." + suffix):
            return True
    return False


def _in_network(host: str, cidr: str) -> bool:
    try:
        return ipaddress.ip_address(host) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


def pac_answer_to_route(answer: str, source: str) -> ProxyRoute | None:
    """The first usable entry of a ``FindProxyForURL`` answer (``PROXY h:p; DIRECT``).

    ``None`` means DIRECT. SOCKS entries are skipped: WinINet's PAC support uses them, but the
    sign-in endpoints are reached over HTTP proxies in the field; ``ValueError`` when nothing
    usable is left.
    """
    for entry in answer.split(";"):
        words = entry.split()
        if not words:
            continue
        kind = words[0].upper()
        if kind == "DIRECT":
            return None
        if kind in {"PROXY", "HTTP", "HTTPS"} and len(words) > 1:
            return parse_proxy(words[1], source)
    raise ValueError(f"the PAC file answered {answer!r}: no PROXY or DIRECT entry")
