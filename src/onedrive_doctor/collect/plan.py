"""What a bundle collects on a Windows PC: the registry keys and commands of docs/spec/bundle.md.

Pure data, shared by the live collector (:mod:`onedrive_doctor.collect.windows`) and the scripts
`collector-script` prints for PCs without Python, so both write the same files.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["COMMANDS", "REGISTRY_KEYS", "Command"]

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
)


@dataclass(frozen=True)
class Command:
    """One command whose output becomes a bundle file.

    ``powershell`` is the PowerShell form (used by the live collector and the .ps1 script);
    ``cmd`` the cmd.exe form, or ``None`` when only PowerShell can do it. ``needs_domain``: run
    only on a domain-joined PC, with ``{domain}`` replaced by the PC's domain.
    """

    file: str
    powershell: str
    cmd: str | None = None
    needs_domain: bool = False


COMMANDS: tuple[Command, ...] = (
    # Run un-elevated in the user's session: the PRT / SSO state is per user (dsregcmd doc).
    Command("dsregcmd.txt", "dsregcmd /status", "dsregcmd /status"),
    # wmic is gone from Windows 11 24H2 by default; Get-HotFix works from Windows 7 SP1 on.
    Command(
        "hotfixes.txt",
        "Get-HotFix | Select-Object HotFixID | Format-Table -AutoSize | Out-String -Width 200",
    ),
    # The TLS cmdlets exist from Windows 10 / Server 2016 on; elsewhere the file is left out.
    Command(
        "cipher-suites.txt",
        "Get-TlsCipherSuite | Format-Table Name -AutoSize | Out-String -Width 300",
    ),
    Command("ecc-curves.txt", "Get-TlsEccCurve | Out-String -Width 200"),
    Command(
        "nltest.txt", "nltest /dsgetdc:{domain}", "nltest /dsgetdc:{domain}", needs_domain=True
    ),
)
