"""The proxy configuration of Windows' two HTTP stacks, read from a registry export.

WinHTTP (services, device registration and token requests in system context) keeps one
per-machine setting written by ``netsh winhttp set proxy``; WinINet (the Internet Options proxy
that interactive apps use) keeps a per-user one unless policy makes it per-machine.
docs/knowledge/windows-client.md §7.1 has the sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..registry.regfile import Registry, RegType
from ._lines import glob_match
from .winhttp_settings import (
    ConnectionSettings,
    ConnectionSettingsError,
    parse_connection_settings,
)

__all__ = [
    "ProxySetting",
    "proxy_problems",
    "winhttp_settings",
    "wininet_settings",
]

# `netsh winhttp set proxy` writes the WinHttpSettings value here; 32-bit processes on 64-bit
# Windows read the WOW6432Node twin (stephannn/WinHttpProxySettings, Get-WinHttpProxySettings).
_WINHTTP_KEYS = (
    ("winhttp", r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections"),
    (
        "winhttp-wow64",
        r"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\Connections",
    ),
)
_WINHTTP_VALUE = "WinHttpSettings"

# WinINet's per-user settings: ProxyEnable (DWORD), ProxyServer, ProxyOverride, AutoConfigURL
# (REG_SZ), and the binary Connections\DefaultConnectionSettings
# (docs/knowledge/windows-client.md §7.1).
_WININET_USER = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"
_WININET_MACHINE = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings"
_CONNECTION_VALUE = "DefaultConnectionSettings"

# The "Make proxy settings per-machine (rather than per-user)" policy sets ProxySettingsPerUser=0;
# WinINet then uses the HKLM Internet Settings for every user (stephannn/WinHttpProxySettings;
# spad.uk "How exactly does ProxySettingsPerUser work").
_POLICY_KEY = r"HKLM\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings"
_POLICY_VALUE = "ProxySettingsPerUser"

_SEPARATORS = re.compile(r"[;\s]+")
_PORT_SUFFIX = re.compile(r":\d+$")


@dataclass(frozen=True)
class ProxySetting:
    """The proxy one stack uses, with the registry place it came from.

    ``proxy`` and ``bypass`` use the syntax Windows stores ("host:port", "http=a:80;https=b:3128";
    "*.contoso.com;<local>"), documented for ``WINHTTP_PROXY_INFO``
    (https://learn.microsoft.com/windows/win32/api/winhttp/ns-winhttp-winhttp_proxy_info).
    ``bypass`` is None when no proxy is in use. ``configured_but_disabled`` keeps a server that
    is stored but switched off (ProxyEnable=0, or the manual-proxy flag clear).
    """

    stack: str
    source: str
    proxy: str | None
    bypass: str | None
    autoconfig_url: str | None
    auto_detect: bool
    configured_but_disabled: str | None = None

    @property
    def direct(self) -> bool:
        """Whether the stack connects directly: no proxy, no PAC URL, no auto-detect."""
        return self.proxy is None and self.autoconfig_url is None and not self.auto_detect

    def proxy_for(self, scheme: str) -> str | None:
        """Return the ``host:port`` used for URLs of ``scheme`` ("http", "https"), or None.

        A ``scheme=server`` entry for this scheme wins over a plain server, which applies to all
        schemes; other schemes' entries (``socks=`` too) are ignored.
        """
        if self.proxy is None:
            return None
        scheme = scheme.lower()
        generic: str | None = None
        for entry in _SEPARATORS.split(self.proxy.strip()):
            for_scheme, _sep, server = entry.rpartition("=")
            server = _strip_scheme(server).rstrip("/")
            if not server:
                continue
            if not for_scheme:
                generic = generic or server
            elif for_scheme.lower() == scheme:
                return server
        return generic

    def bypasses(self, host: str) -> bool:
        """Whether ``host`` is in the bypass list (so it is reached without the proxy).

        Entries are separated by ``;`` or whitespace, ``*`` is a wildcard, ``<local>`` matches
        names without a dot. A scheme prefix or port suffix on an entry is ignored.
        """
        if not self.bypass:
            return False
        host = host.lower().rstrip(".")
        for entry in _SEPARATORS.split(self.bypass.strip().lower()):
            if entry == "<local>":
                if "." not in host and ":" not in host:
                    return True
                continue
            pattern = _PORT_SUFFIX.sub("", _strip_scheme(entry))
            if pattern and glob_match(pattern, host):
                return True
        return False


def _strip_scheme(text: str) -> str:
    return text.split("://", 1)[-1]


def winhttp_settings(reg: Registry) -> list[ProxySetting]:
    """Return the WinHTTP default proxy, native then WOW64, for each key that has WinHttpSettings.

    An unreadable value is left out; ``proxy_problems`` reports it.
    """
    found: list[ProxySetting] = []
    for stack, key in _WINHTTP_KEYS:
        settings, _problem = _blob(reg, key, _WINHTTP_VALUE)
        if settings is None:
            continue
        proxy = settings.proxy if settings.manual_proxy else None
        found.append(
            ProxySetting(
                stack=stack,
                source=f"{key}\\{_WINHTTP_VALUE}",
                proxy=proxy,
                bypass=settings.bypass if proxy else None,
                autoconfig_url=settings.autoconfig_url if settings.auto_config else None,
                auto_detect=settings.auto_detect,
                configured_but_disabled=None if proxy else settings.proxy,
            )
        )
    return found


def wininet_settings(reg: Registry) -> ProxySetting | None:
    """Return the WinINet (Internet Options) proxy; None if the export has no Internet Settings."""
    key = _wininet_key(reg)
    connections = key + r"\Connections"
    if not (reg.has_key(key) or reg.has_key(connections)):
        return None
    server = _text(reg, key, "ProxyServer")
    proxy = server if reg.dword(key, "ProxyEnable") else None
    # Auto-detect ("Automatically detect settings") lives only in the binary record's flags.
    settings, _problem = _blob(reg, connections, _CONNECTION_VALUE)
    return ProxySetting(
        stack="wininet",
        source=key,
        proxy=proxy,
        bypass=_text(reg, key, "ProxyOverride") if proxy else None,
        autoconfig_url=_text(reg, key, "AutoConfigURL"),
        auto_detect=settings is not None and settings.auto_detect,
        configured_but_disabled=None if proxy else server,
    )


def proxy_problems(reg: Registry) -> list[str]:
    """Describe proxy values that exist but cannot be read, naming key, value and file line."""
    problems: list[str] = []
    wininet = _wininet_key(reg)
    places = [(key, _WINHTTP_VALUE) for _stack, key in _WINHTTP_KEYS]
    places.append((wininet + r"\Connections", _CONNECTION_VALUE))
    for key, name in places:
        _settings, problem = _blob(reg, key, name)
        if problem is not None:
            problems.append(problem)
    found = reg.value(wininet, "ProxyEnable")
    if found is not None and reg.dword(wininet, "ProxyEnable") is None:
        problems.append(
            f"{wininet}\\ProxyEnable ({found.source}:{found.line}): "
            f"{found.type_name} instead of REG_DWORD, WinINet treats the proxy as off"
        )
    return problems


def _text(reg: Registry, key: str, name: str) -> str | None:
    return (reg.string(key, name) or "").strip() or None


def _wininet_key(reg: Registry) -> str:
    if reg.dword(_POLICY_KEY, _POLICY_VALUE) == 0:
        return _WININET_MACHINE
    return _WININET_USER


def _blob(reg: Registry, key: str, name: str) -> tuple[ConnectionSettings | None, str | None]:
    """Return the decoded record or why it is unreadable; (None, None) when absent."""
    found = reg.value(key, name)
    if found is None:
        return None, None
    where = f"{key}\\{name} ({found.source}:{found.line})"
    if found.type != RegType.BINARY or not isinstance(found.data, bytes):
        return None, f"{where}: {found.type_name} instead of REG_BINARY"
    try:
        return parse_connection_settings(found.data), None
    except ConnectionSettingsError as exc:
        return None, f"{where}: {exc}"
