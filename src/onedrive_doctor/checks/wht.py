"""WHT: WinHTTP's default protocols (article: the Windows 8 / Windows 7 section)."""

from __future__ import annotations

from .._model import Outcome
from ..evidence import Evidence
from ._pending import pending

__all__ = ["kb3140245_missing", "winhttp_tls12_not_default"]


def winhttp_tls12_not_default(ev: Evidence) -> Outcome:
    r"""WinHTTP's default secure protocols lack TLS 1.2.

    What it checks:
        REG_DWORD `DefaultSecureProtocols` under
        HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp and, on 64-bit
        Windows, also under HKLM\SOFTWARE\Wow6432Node\...\Internet Settings\WinHttp. Fails on
        Windows 7 / 8 / Server 2008 R2 / 2012 when a view lacks the value or its 0x800 (TLS 1.2)
        bit, and on any Windows when a value is present without 0x800.

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
        1.2) in both keys, or add the 0x800 bit to an existing value (keep 0x2000, TLS 1.3, on
        Windows 11); the Easy Fix tool MicrosoftEasyFix51044.msi writes the value too. Then
        restart Windows or the services that use WinHTTP.

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
    return pending(ev, ("registry/",))


def kb3140245_missing(ev: Evidence) -> Outcome:
    r"""Update KB3140245 is missing on Windows 7 SP1 / 2008 R2 / 8 / 2012.

    What it checks:
        On Windows 7 SP1, Server 2008 R2 SP1, Windows 8 and Server 2012 (other versions are
        not applicable), whether KB3140245 is among the installed updates (`wmic qfe get
        HotFixID` or `Get-HotFix -Id KB3140245`).

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
    return pending(ev, ("hotfixes.txt", "registry/"))
