"""The HTTP stacks above Schannel: what WinHTTP and WinINet ask Schannel for.

Schannel's registry defaults are what an application that sets no protocol mask gets. WinHTTP
(OneDrive's and the sign-in broker's stack) and WinINet (Internet Explorer, Internet Options)
pass their own mask: WinHTTP's ``DefaultSecureProtocols`` or its built-in default
(https://learn.microsoft.com/windows/win32/winhttp/option-flags: "Windows 8 and Windows 7: By
default, only SSL3 and TLS1 are enabled"), WinINet's ``SecureProtocols``. A protocol the mask asks
for is used when Schannel implements it and it is not switched off with ``Enabled``=0 ("will not
negotiate this protocol version regardless of the settings the SSPI caller may specify",
https://learn.microsoft.com/windows-server/security/tls/tls-registry-settings); disabled by
default only means "unless the caller asks". So on Windows 8 Schannel offers TLS 1.2 while
WinHTTP, by default, does not.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..knowledge.windows_families import PROTOCOL_BITS
from ..tls import ProtocolVersion
from ..tls.suites import by_name
from .client_model import ClientProfile

__all__ = ["Stack", "stacks"]


@dataclass(frozen=True)
class Stack:
    """One layer and the profile an application on it offers."""

    key: str
    label: str
    mask: int | None
    source: str
    profile: ClientProfile


def _with_mask(profile: ClientProfile, mask: int) -> ClientProfile:
    wanted = {v for v, bit in PROTOCOL_BITS.items() if mask & bit}
    protocols = tuple(
        dataclasses.replace(p, state="enabled", reason="asked for by the stack's mask")
        if p.version in wanted and p.state == "disabled-by-default"
        else p
        if p.version in wanted
        else dataclasses.replace(p, state="disabled", reason="not in the stack's mask")
        for p in profile.protocols
    )
    offered = {p.version for p in protocols if p.offered}
    suites = []
    for name in profile.listed_suites:
        if name in profile.removed_suites and "protocols" not in profile.removed_suites[name]:
            continue  # a key-exchange switch removed it for every stack
        suite = by_name(name)
        if suite is None or any(ProtocolVersion.from_label(p) in offered for p in suite.protocols):
            suites.append(name)
    return dataclasses.replace(profile, protocols=protocols, cipher_suites=tuple(suites))


def stacks(profile: ClientProfile) -> tuple[Stack, ...]:
    """Schannel's defaults, WinHTTP (native view) and WinINet, each with what it offers."""
    winhttp = profile.winhttp.get("native", profile.family.winhttp_default_protocols)
    value = profile.winhttp_values.get("native")
    winhttp_source = (
        f"DefaultSecureProtocols=0x{value:X}"
        if value is not None and value == winhttp
        else f"default of {profile.family.name}"
    )
    return (
        Stack("schannel", "Schannel defaults", None, "Schannel registry / OS defaults", profile),
        Stack("winhttp", "WinHTTP", winhttp, winhttp_source, _with_mask(profile, winhttp)),
        Stack(
            "wininet",
            "WinINet / Internet Explorer",
            profile.wininet,
            profile.wininet_source,
            _with_mask(profile, profile.wininet),
        ),
    )
