"""What a bundle collects on a Windows PC: the registry keys and commands of docs/spec/bundle.md.

Pure data, shared by the live collector (:mod:`onedrive_doctor.collect.windows`) and the scripts
`collector-script` prints for PCs without Python, so both write the same files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "COMMANDS",
    "DOMAIN_QUERY",
    "REGISTRY_KEYS",
    "REQUIRED_KEYS",
    "UNAVAILABLE_EXIT",
    "VALUE_ALLOWLIST",
    "Command",
    "allowed_values",
    "strip_export",
]

# (bundle file name, key) for every key of docs/spec/bundle.md.
REGISTRY_KEYS: tuple[tuple[str, str], ...] = (
    ("currentversion", r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"),
    ("schannel", r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"),
    ("ssl-policy", r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"),
    (
        "ssl-local",
        r"HKLM\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local"
        r"\SSL\00010002",
    ),
    ("inet-hklm", r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings"),
    (
        "inet-hklm-wow64",
        r"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings",
    ),
    ("inet-hkcu", r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"),
    (
        "inet-policy-hklm",
        r"HKLM\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion"
        r"\Internet Settings",
    ),
    (
        "inet-policy-hkcu",
        r"HKCU\Software\Policies\Microsoft\Windows\CurrentVersion"
        r"\Internet Settings",
    ),
    ("onedrive-hkcu", r"HKCU\Software\Microsoft\OneDrive"),
    ("onedrive-hklm", r"HKLM\SOFTWARE\Microsoft\OneDrive"),
    # A 32-bit per-machine install keeps its Version here (OneDrive per-machine install doc).
    ("onedrive-hklm-wow64", r"HKLM\SOFTWARE\WOW6432Node\Microsoft\OneDrive"),
    ("netfx4", r"HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319"),
    ("netfx4-wow64", r"HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319"),
    ("netfx2", r"HKLM\SOFTWARE\Microsoft\.NETFramework\v2.0.50727"),
    ("netfx2-wow64", r"HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v2.0.50727"),
    # Issue 13 (CRT001, IDN007): automatic root update, and the Office identity switches.
    ("authroot-policy", r"HKLM\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot"),
    ("office-identity", r"HKCU\Software\Microsoft\Office\16.0\Common\Identity"),
)

#: Keys every Windows has: reading none of their allow-listed values is a failure of the
#: collection, not a key that is absent (the others may be missing on a healthy PC).
REQUIRED_KEYS: tuple[str, ...] = (r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion",)


# Keys whose values are private beyond what the checks need: only these named values are
# collected, and none of the key's subkeys. CurrentVersion's subkeys hold Winlogon's
# DefaultPassword (auto-logon, in clear: "Turn on automatic logon in Windows", Microsoft Learn,
# troubleshoot/windows-server/user-profiles-and-logon/turn-on-automatic-logon), DefaultUserName
# and ProfileList's user paths; the key itself RegisteredOwner. The names are the ones
# windows/os_version.py reads ("Windows version numbers", docs/spec/bundle.md).
VALUE_ALLOWLIST: dict[str, tuple[str, ...]] = {
    r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion": (
        "ProductName",
        "CurrentBuild",
        "CurrentBuildNumber",
        "UBR",
        "DisplayVersion",
        "ReleaseId",
        "InstallationType",
        "EditionID",
    ),
    # Issue 13. The AuthRoot policy key's subkeys hold certificates a GPO deploys (blobs that
    # no check reads); CRT001 needs only the switch ("Configure Trusted Roots and Disallowed
    # Certificates", https://learn.microsoft.com/windows-server/identity/ad-cs/configure-trusted-roots-disallowed-certificates).
    r"HKLM\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot": ("DisableRootAutoUpdate",),
    # The Identity key's subkeys (Identities, Profiles) hold the user's accounts, e-mail
    # addresses and tenant IDs; IDN007 needs only the three switches Microsoft advises against
    # ("Disabling ADAL or WAM not recommended for fixing Office sign-in or activation issues").
    r"HKCU\Software\Microsoft\Office\16.0\Common\Identity": (
        "EnableADAL",
        "DisableAADWAM",
        "DisableADALatopWAMOverride",
    ),
}

_HIVES = {"HKLM": "HKEY_LOCAL_MACHINE", "HKCU": "HKEY_CURRENT_USER"}


def _long(key: str) -> str:
    hive, _, rest = key.partition("\\")
    return f"{_HIVES.get(hive.upper(), hive)}\\{rest}".upper()


def allowed_values(key: str) -> tuple[str, ...] | None:
    """The value names collected from ``key``; ``None`` when the whole subtree is collected."""
    folded = _long(key)
    for name, values in VALUE_ALLOWLIST.items():
        if _long(name) == folded:
            return values
    return None


_VALUE_NAME = re.compile(r'^"((?:[^"\\]|\\.)*)"\s*=|^(@)\s*=')


def strip_export(data: bytes) -> bytes:
    """A ``reg export`` file with only allow-listed values under allow-listed keys.

    Under an allow-listed key its subkeys and every value not on the list are dropped; other
    keys are kept whole. The encoding (UTF-16LE with BOM, as reg.exe writes, or UTF-8) and the
    line ends are kept, so the result reads like the original export.
    """
    if data.startswith(b"\xff\xfe"):
        codec, bom = "utf-16-le", b"\xff\xfe"
    elif data.startswith(b"\xef\xbb\xbf"):
        codec, bom = "utf-8", b"\xef\xbb\xbf"
    else:
        codec, bom = "utf-8", b""
    text = data[len(bom) :].decode(codec, errors="surrogatepass")
    limited = [(_long(key), {v.upper() for v in names}) for key, names in VALUE_ALLOWLIST.items()]
    keep_key, names = True, None  # the header and blank lines before the first key stay
    dropping_value = False
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if dropping_value:  # a continuation line of a dropped value
            dropping_value = body.endswith("\\")
            continue
        if body.startswith("[") and body.rstrip().endswith("]"):
            key = body.strip()[1:-1].lstrip("-").upper()
            names = None
            keep_key = True
            for root, allowed in limited:
                if key == root:
                    names = allowed
                elif key.startswith(root + "\\"):
                    keep_key = False
        elif keep_key and names is not None and body.strip():
            match = _VALUE_NAME.match(body.lstrip())
            name = (match.group(1) or match.group(2)) if match else None
            if name is None or name.replace('\\"', '"').replace("\\\\", "\\").upper() not in names:
                dropping_value = body.endswith("\\")
                continue
        if keep_key:
            out.append(line)
    return bom + "".join(out).encode(codec, errors="surrogatepass")


@dataclass(frozen=True)
class Command:
    """One command whose output becomes a bundle file.

    ``powershell`` is the PowerShell form (used by the live collector and the .ps1 script);
    ``cmd`` the cmd.exe form, or ``None`` when only PowerShell can do it. ``needs_domain``: run
    only on a domain-joined PC, with ``{domain}`` replaced by the PC's domain. ``program`` is
    the executable or cmdlet that must exist (else the collectors list it in unavailable.txt);
    ``keep_on_error``: the output is evidence even when the command exits nonzero (nltest's
    "no domain controller" answer). ``channel``: the event log the command reads, which must
    exist too (Microsoft-Windows-AAD/Operational exists from Windows 10 on); ``empty_ok``: an
    empty output is evidence (no matching event, no such package), not a failure.
    """

    file: str
    powershell: str
    cmd: str | None = None
    needs_domain: bool = False
    program: str = ""
    keep_on_error: bool = False
    channel: str | None = None
    empty_ok: bool = False

    def guarded(self, domain: str | None = None) -> str:
        """The PowerShell form, exiting with ``UNAVAILABLE_EXIT`` when ``program`` is missing.

        A ``channel`` is asked of Get-WinEvent (PowerShell 2.0 has it), whose
        ``-ErrorAction SilentlyContinue`` holds also under ``$ErrorActionPreference = 'Stop'``.
        """
        script = self.powershell.format(domain=domain)
        guard = (
            f"if (-not (Get-Command {self.program} -ErrorAction SilentlyContinue)) "
            f"{{ exit {UNAVAILABLE_EXIT} }}; "
        )
        if self.channel is not None:
            guard += (
                f"if (-not (Get-WinEvent -ListLog '{self.channel}' -ErrorAction "
                f"SilentlyContinue)) {{ exit {UNAVAILABLE_EXIT} }}; "
            )
        return guard + script


#: The exit code of a guarded command whose program does not exist on this Windows.
UNAVAILABLE_EXIT = 3


COMMANDS: tuple[Command, ...] = (
    # Run un-elevated in the user's session: the PRT / SSO state is per user (dsregcmd doc).
    Command("dsregcmd.txt", "dsregcmd /status", "dsregcmd /status", program="dsregcmd"),
    # wmic is gone from Windows 11 24H2 by default; Get-HotFix works from Windows 7 SP1 on.
    Command(
        "hotfixes.txt",
        "Get-HotFix | Select-Object HotFixID | Format-Table -AutoSize | Out-String -Width 200",
        program="Get-HotFix",
    ),
    # The TLS cmdlets exist from Windows 10 / Server 2016 on; elsewhere the file is left out.
    Command(
        "cipher-suites.txt",
        "Get-TlsCipherSuite | Format-Table Name -AutoSize | Out-String -Width 300",
        program="Get-TlsCipherSuite",
    ),
    Command("ecc-curves.txt", "Get-TlsEccCurve | Out-String -Width 200", program="Get-TlsEccCurve"),
    Command(
        "nltest.txt",
        "nltest /dsgetdc:{domain}",
        "nltest /dsgetdc:{domain}",
        needs_domain=True,
        program="nltest",
        keep_on_error=True,
    ),
    # Issue 13. The System log's Schannel events and the AAD broker's log, newest first, at
    # most 200 each (wevtutil qe: https://learn.microsoft.com/windows-server/administration/windows-commands/wevtutil);
    # a user may read both logs. No event is an empty output, which is evidence too.
    Command(
        "events-schannel.xml",
        "wevtutil qe System /q:\"*[System[Provider[@Name='Schannel']]]\" /c:200 /rd:true /f:xml",
        "wevtutil qe System /q:\"*[System[Provider[@Name='Schannel']]]\" /c:200 /rd:true /f:xml",
        program="wevtutil",
        empty_ok=True,
    ),
    Command(
        "events-aad.xml",
        "wevtutil qe Microsoft-Windows-AAD/Operational /c:200 /rd:true /f:xml",
        "wevtutil qe Microsoft-Windows-AAD/Operational /c:200 /rd:true /f:xml",
        program="wevtutil",
        channel="Microsoft-Windows-AAD/Operational",
        empty_ok=True,
    ),
    # The machine's trusted roots (certutil -store: windows-commands/certutil).
    Command("root-store.txt", "certutil -store root", "certutil -store root", program="certutil"),
    # Appx packages are per user: run as the user who sees the error (Windows 8 and later). No
    # output means the broker is not registered for this user (cannot-sign-in-microsoft-365-
    # desktop-apps); -ErrorAction Stop keeps a failing cmdlet from looking like that.
    Command(
        "appx-broker.txt",
        "Get-AppxPackage -Name Microsoft.AAD.BrokerPlugin -ErrorAction Stop "
        "| Out-String -Width 300",
        program="Get-AppxPackage",
        empty_ok=True,
    ),
)

# The PC's AD domain, which nltest needs: "domain=NAME", or "domain=" on a workgroup PC (never
# an empty output, so a query that printed nothing is told from a PC without a domain).
DOMAIN_QUERY = (
    "$cs = Get-WmiObject Win32_ComputerSystem; "  # PowerShell 2.0 has no Get-CimInstance
    "'domain=' + $(if ($cs.PartOfDomain) { $cs.Domain } else { '' })"
)
