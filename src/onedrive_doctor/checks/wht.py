"""WHT: WinHTTP's default protocols (article: the Windows 8 / Windows 7 section)."""

from __future__ import annotations

from typing import Any

from ..evidence import Evidence
from ..fixes import Change, ManualStep, Safety, manual
from ..model import Fix, Outcome
from ..registry.regfile import Registry
from ..windows.client_model import INET_HKLM, WINHTTP_KEY, WINHTTP_WOW64_KEY, ClientProfile
from ._windows import (
    TLS12_BIT,
    assumed_notes,
    exported,
    mask_text,
    profile_of,
    registry_of,
    set_dword,
)

# KB3140245's support page (docs/knowledge/windows-tls.md §4.4) and the Easy Fix of the 0x8004de40
# article (§1.1).
KB3140245_URL = (
    "https://support.microsoft.com/topic/update-to-enable-tls-1-1-and-tls-1-2-as-default-secure-"
    "protocols-in-winhttp-in-windows-c4bd73d2-31d7-761e-0178-11268bb10392"
)
KB3140245_CATALOG = "https://www.catalog.update.microsoft.com/Search.aspx?q=KB3140245"
EASY_FIX_URL = (
    "https://download.microsoft.com/download/0/6/5/0658B1A7-6D2E-474F-BC2C-D69E5B9E9A68/"
    "MicrosoftEasyFix51044.msi"
)
_WINDOWS8_DOUBT = (
    "KB3140245's own text lists Server 2012, Windows 7 SP1 and Server 2008 R2 SP1, not the "
    "Windows 8 client, yet the OneDrive article says to install it on Windows 8 "
    "(docs/knowledge/windows-tls.md §9.2)"
)

__all__ = ["kb3140245_missing", "winhttp_tls12_not_default"]


# The exports holding DefaultSecureProtocols in both views (registry/<stem>.reg,
# docs/spec/bundle.md).
_WINHTTP_FILES = ("inet-hklm", "inet-hklm-wow64")


def winhttp_tls12_not_default(ev: Evidence) -> Outcome:
    r"""WinHTTP's default secure protocols lack TLS 1.2.

    What it checks:
        REG_DWORD `DefaultSecureProtocols` under
        HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp and, on 64-bit
        Windows, also under HKLM\SOFTWARE\Wow6432Node\...\Internet Settings\WinHttp. Fails on
        Windows 7 / 8 / Server 2008 R2 / 2012 when a view lacks the value or its 0x800 (TLS 1.2)
        bit, or when hotfixes.txt shows KB3140245 missing (the value is then ignored, so WinHTTP
        stays at SSL 3.0 + TLS 1.0 whatever the registry says), and on any Windows when a value
        is present without 0x800. A view whose key was not exported is unknown, never a pass.

    Why it matters:
        Apps that do not set WINHTTP_OPTION_SECURE_PROTOCOLS get the default: "Windows 8 and
        Windows 7. By default, only SSL3 and TLS1 are enabled" (0x0A0), which Microsoft 365
        refuses. "The Office client relies on the Windows web service (WINHTTP)". On x64 "it's
        required that both registry keys be present": 32-bit apps read the Wow6432Node view.

    Evidence:
        registry/: both WinHttp keys, and the Windows build and architecture from
        HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion.

    Fix:
        After KB3140245 (WHT002), set `DefaultSecureProtocols` to 0x00000A80 (TLS 1.0 + 1.1 +
        1.2; 0x2A80 with TLS 1.3 on Windows 11 / Server 2022 and later) in both keys
        (`reg add "<key>" /v DefaultSecureProtocols /t REG_DWORD /d 0xA80 /f`); the Easy Fix
        tool MicrosoftEasyFix51044.msi writes the value too. Then restart Windows or the
        services that use WinHTTP.

    Fix safety:
        Needs confirmation: a machine-wide HKLM change that needs admin rights and a restart.
        The old value (or its absence) is journaled, so undo restores it exactly.

    References:
        - KB3140245, Update to enable TLS 1.1 and TLS 1.2 as default secure protocols in WinHTTP:
          https://support.microsoft.com/topic/update-to-enable-tls-1-1-and-tls-1-2-as-default-secure-protocols-in-winhttp-in-windows-c4bd73d2-31d7-761e-0178-11268bb10392
        - WinHTTP option flags: https://learn.microsoft.com/windows/win32/winhttp/option-flags
        - Configure secure protocol options for WinHTTP:
          https://learn.microsoft.com/windows-server/networking/configure-secure-protocol-options-winhttp

    """
    profile = profile_of(ev, uses=("hotfixes.txt",), needs=(INET_HKLM,), reads=_WINHTTP_FILES)
    if isinstance(profile, Outcome):
        return profile
    registry = registry_of(ev)
    family = profile.family
    needs_value = family.winhttp_update is not None  # Windows 7 / 8 / 2008 R2 / 2012
    bitness = profile.os.bitness if profile.os is not None else None
    views = [("native", WINHTTP_KEY)]
    if bitness == 64:
        views.append(("wow64", WINHTTP_WOW64_KEY))
    problems: list[str] = []
    fine: list[str] = []
    not_exported: list[str] = []
    for view, key in views:
        value = profile.winhttp_values[view]
        if value is not None:
            if value & TLS12_BIT:
                fine.append(f"DefaultSecureProtocols={mask_text(value)} at {key}")
            else:
                problems.append(
                    f"DefaultSecureProtocols={mask_text(value)} at {key} lacks 0x800 (TLS 1.2)"
                )
        elif not exported(registry, key):
            not_exported.append(key)
        elif needs_value:
            problems.append(f"no DefaultSecureProtocols at {key}")
    kb_missing = needs_value and profile.kb3140245 is False
    evidence: dict[str, Any] = {
        "windows": profile.label,
        "bitness": bitness,
        "DefaultSecureProtocols": dict(profile.winhttp_values),
        "effective": {view: f"0x{mask:X}" for view, mask in profile.winhttp.items()},
        "kb3140245": profile.kb3140245,
    }
    notes = assumed_notes(profile, "winhttp_default_protocols", "KB3140245")
    if notes:
        evidence["assumed"] = notes
    if problems or kb_missing:
        reasons = list(problems)
        if kb_missing:
            reasons.insert(
                0,
                "KB3140245 is not installed (hotfixes.txt), so WinHTTP ignores "
                "DefaultSecureProtocols",
            )
        if not_exported:
            reasons.append(f"{' and '.join(not_exported)} not exported")
        effective = mask_text(profile.winhttp["native"])
        message = (
            f"WinHTTP's default protocols on {profile.label} lack TLS 1.2: {'; '.join(reasons)}. "
            f"Applications that leave the protocols to WinHTTP get {effective}"
        )
        return Outcome.failed(
            message + ".", fix=_winhttp_fix(profile, registry, views, kb_missing), **evidence
        )
    if not_exported:
        return Outcome.unknown(
            f"the WinHttp {'keys were' if len(not_exported) > 1 else 'key was'} not exported "
            f"(needs registry/: {', '.join(not_exported)})",
            **evidence,
        )
    if needs_value and bitness is None:
        return Outcome.unknown(
            "the bundle does not show whether Windows is 64-bit, so whether the WOW6432Node "
            f"view also needs DefaultSecureProtocols is unknown (needs registry/: {INET_HKLM} and "
            "its WOW6432Node twin)",
            **evidence,
        )
    if fine:
        where = " and ".join(fine)
    else:
        default = mask_text(family.winhttp_default_protocols)
        where = f"the default of {family.name}, {default} (no DefaultSecureProtocols)"
    message = f"WinHTTP's default protocols include TLS 1.2: {where}."
    if needs_value and profile.kb3140245 is None:
        message += " KB3140245 is assumed installed (no hotfixes.txt; see WHT002)."
    return Outcome.passed(message, **evidence)


def _winhttp_target(profile: ClientProfile) -> int:
    """0xA80 (TLS 1.0 + 1.1 + 1.2, as the article ticks them), plus 0x2000 where TLS 1.3 exists."""
    return 0x0A80 | (0x2000 if profile.family.tls13_available else 0)


def _winhttp_fix(
    profile: ClientProfile, registry: Registry, views: list[tuple[str, str]], kb_missing: bool
) -> Fix:
    target = _winhttp_target(profile)
    keys = [key for _, key in views]
    both = "both WinHttp keys" if len(keys) > 1 else "the WinHttp key"
    steps: list[Change] = []
    title = f"Set DefaultSecureProtocols=0x{target:X} in {both}, then restart Windows"
    if kb_missing:
        title = (
            f"Install KB3140245, then set DefaultSecureProtocols=0x{target:X} in {both} and restart"
        )
        steps.append(
            ManualStep(
                f"Install KB3140245 ({KB3140245_URL}; download from {KB3140245_CATALOG}) and "
                "restart: without it WinHTTP ignores the value (WHT002).",
                needs_admin=True,
                needs_restart=True,
            )
        )
    # One target for every view: the WOW6432Node twin must match (KB3140245: "it's required
    # that both registry keys be present" on x64).
    steps.extend(
        set_dword(registry, key, "DefaultSecureProtocols", target, needs_restart=True)
        for key in keys
    )
    if profile.family.winhttp_update is not None:
        steps.append(
            ManualStep(f"Alternatively the Easy Fix tool writes the value: {EASY_FIX_URL}")
        )
    steps.append(
        ManualStep(
            "Restart Windows (or at least the services and apps that use WinHTTP).",
            needs_restart=True,
        )
    )
    return Fix(
        title,
        tuple(steps),
        safety=Safety.NEEDS_CONFIRMATION,
        needs_admin=True,
        needs_restart=True,
    )


def kb3140245_missing(ev: Evidence) -> Outcome:
    r"""Update KB3140245 is missing on Windows 7 SP1 / 2008 R2 / 8 / 2012.

    What it checks:
        On Windows 7 SP1, Server 2008 R2 SP1, Windows 8 and Server 2012 (Windows 8.1 and later
        are not applicable: their WinHTTP defaults already include TLS 1.2), whether KB3140245
        is among the installed updates (`wmic qfe get HotFixID` or `Get-HotFix -Id KB3140245`).
        Unknown without hotfixes.txt. On Windows 8 the message repeats a doubt: the KB's own
        text does not list the Windows 8 client, the OneDrive article does.

    Why it matters:
        KB3140245 "adds support for DefaultSecureProtocols registry entry": without it WHT001's
        value has no effect and WinHTTP stays at SSL 3.0 + TLS 1.0. The article: "For Windows 8,
        install KB 3140245, and create a corresponding registry value." Win32_QuickFixEngineering
        does not list updates installed by Component Based Servicing, and whether later
        rollups supersede it is unknown, so absence is strong evidence, not proof.

    Evidence:
        hotfixes.txt (installed KB numbers) and registry/ (Windows version from
        HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion).

    Fix:
        Install KB3140245 from Windows Update (a Recommended update) or the Microsoft Update
        Catalog, reinstall it after adding a language pack, set `DefaultSecureProtocols`
        (WHT001) or run MicrosoftEasyFix51044.msi, and restart.

    Fix safety:
        Manual: installing an OS update is an administrator's decision this tool does not
        take; it needs admin rights and a restart. These Windows versions are also out of
        support (OS002).

    References:
        - KB3140245, Update to enable TLS 1.1 and TLS 1.2 as default secure protocols in WinHTTP:
          https://support.microsoft.com/topic/update-to-enable-tls-1-1-and-tls-1-2-as-default-secure-protocols-in-winhttp-in-windows-c4bd73d2-31d7-761e-0178-11268bb10392
        - Authentication errors when connecting to SharePoint or OneDrive from Windows 7 or 8:
          https://learn.microsoft.com/sharepoint/troubleshoot/administration/authentication-errors-windows7
        - Get-HotFix:
          https://learn.microsoft.com/powershell/module/microsoft.powershell.management/get-hotfix

    """
    profile = profile_of(ev, uses=("hotfixes.txt",), reads=_WINHTTP_FILES)
    if isinstance(profile, Outcome):
        return profile
    family = profile.family
    if family.winhttp_update is None:
        return Outcome.not_applicable(
            f"{family.name} does not need KB3140245: WinHTTP there already includes TLS 1.2 in "
            f"its defaults ({mask_text(family.winhttp_default_protocols)}); the update is for "
            "Windows 7 SP1, Server 2008 R2, Windows 8 and Server 2012"
        )
    evidence: dict[str, Any] = {"windows": profile.label}
    doubt = f" ({_WINDOWS8_DOUBT})" if family.key == "win8" else ""
    if profile.hotfixes is None:
        return Outcome.unknown(
            "no hotfixes.txt, so whether KB3140245 is installed is unknown (needs hotfixes.txt: "
            "`Get-HotFix` or `wmic qfe get HotFixID`)",
            **evidence,
        )
    evidence["hotfixes"] = len(profile.hotfixes)
    if profile.kb3140245:
        return Outcome.passed(
            f"KB3140245 is installed on {profile.label} (hotfixes.txt).{doubt}", **evidence
        )
    return Outcome.failed(
        f"KB3140245 is not among the {len(profile.hotfixes)} updates in hotfixes.txt: without it "
        f"WinHTTP on {family.name} ignores DefaultSecureProtocols and offers "
        f"{mask_text(family.winhttp_default_protocols)}, which Microsoft 365 refuses. "
        "Get-HotFix misses updates installed by Component Based Servicing, so this is strong "
        f"evidence, not proof.{doubt}",
        fix=Fix(
            "Install KB3140245, set DefaultSecureProtocols (WHT001), then restart Windows",
            manual(
                f"Install KB3140245 from Windows Update (a Recommended update) or the Microsoft "
                f"Update Catalog: {KB3140245_CATALOG} (about the update: {KB3140245_URL}).",
                "Reinstall it if a language pack is added afterwards.",
                "Set DefaultSecureProtocols as WHT001 says, or run the Easy Fix tool: "
                f"{EASY_FIX_URL}",
                "Restart Windows.",
            ),
            safety=Safety.MANUAL,
            needs_admin=True,
            needs_restart=True,
        ),
        **evidence,
    )
