"""The collector scripts on Windows 7 SP1 / PowerShell 2.0 (issue 9.7) and the value allow-list
that keeps passwords out of bundles (issue 11.1)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from onedrive_doctor.bundle import open_bundle
from onedrive_doctor.collect.plan import VALUE_ALLOWLIST, allowed_values, strip_export
from onedrive_doctor.collect.scripts import render_cmd, render_ps1
from onedrive_doctor.evidence import build_evidence
from onedrive_doctor.registry.regfile import Registry

CURRENT_VERSION = r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"
AUTHROOT = r"HKLM\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot"
IDENTITY = r"HKCU\Software\Microsoft\Office\16.0\Common\Identity"
_EXPORT = (
    "Windows Registry Editor Version 5.00\r\n\r\n"
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\r\n"
    '"CurrentBuild"="7601"\r\n'
    '"RegisteredOwner"="Jane Owner"\r\n'
    '"DigitalProductId"=hex:a4,00,00,00,03,00,00,00,30,30,33,37,31,2d,4f,45,4d,2d,\\\r\n'
    "  38,39,39,32,36,36,37,2d,30,30,30,30,37\r\n"
    '"ProductName"="Windows 7 Professional"\r\n'
    '"UBR"=dword:00000000\r\n'
    '"EditionID"="Professional"\r\n\r\n'
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon]\r\n"
    '"DefaultUserName"="jane"\r\n'
    '"DefaultPassword"="Hunter2!"\r\n\r\n'
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\"
    "S-1-5-21-1-2-3-1001]\r\n"
    '"ProfileImagePath"=hex(2):43,00,3a,00,5c,00,55,00,00,00\r\n\r\n'
    "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL]\r\n"
    '"EventLogging"=dword:00000001\r\n\r\n'
)


def _utf16(text: str) -> bytes:
    return b"\xff\xfe" + text.encode("utf-16-le")


# --- 11.1: the strip function ----------------------------------------------------------------


def test_strip_export_keeps_only_allow_listed_values_in_regs_format() -> None:
    stripped = strip_export(_utf16(_EXPORT))
    assert stripped.startswith(b"\xff\xfe")
    text = stripped[2:].decode("utf-16-le")
    for secret in (
        "Hunter2",
        "DefaultPassword",
        "DefaultUserName",
        "Jane Owner",
        "Winlogon",
        "ProfileList",
        "ProfileImagePath",
        "DigitalProductId",
        "38,39",
    ):
        assert secret not in text, secret
    registry = Registry.from_files([("registry/currentversion.reg", stripped)])
    assert registry.values(CURRENT_VERSION).keys() == {
        "CurrentBuild",
        "ProductName",
        "UBR",
        "EditionID",
    }
    assert registry.string(CURRENT_VERSION, "ProductName") == "Windows 7 Professional"
    # Keys outside the allow-list are kept whole.
    schannel = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
    assert registry.dword(schannel, "EventLogging") == 1
    assert registry.subkeys(CURRENT_VERSION) == []


def test_allow_list_is_what_os_version_reads() -> None:
    assert allowed_values(CURRENT_VERSION) == VALUE_ALLOWLIST[CURRENT_VERSION]
    assert allowed_values(CURRENT_VERSION.replace("HKLM", "HKEY_LOCAL_MACHINE").lower())
    source = (Path(__file__).parents[1] / "src/onedrive_doctor/windows/os_version.py").read_text()
    read = set(re.findall(r'"([A-Z][A-Za-z]+)"', source)) & {
        "ProductName",
        "CurrentBuild",
        "CurrentBuildNumber",
        "UBR",
        "DisplayVersion",
        "ReleaseId",
        "InstallationType",
        "EditionID",
        "CSDVersion",
        "RegisteredOwner",
    }
    assert read == set(VALUE_ALLOWLIST[CURRENT_VERSION])


# --- 9.7: unavailable.txt --------------------------------------------------------------------


def test_unavailable_dsregcmd_makes_the_join_checks_not_applicable(tmp_path: Path) -> None:
    from onedrive_doctor.checks import run_checks

    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "currentversion.reg").write_bytes(strip_export(_utf16(_EXPORT)))
    (tmp_path / "manifest.json").write_text('{"schema_version": 1, "host": {"os": "Windows"}}')
    (tmp_path / "unavailable.txt").write_text("dsregcmd dsregcmd.txt\r\nnltest nltest.txt\r\n")
    ev = build_evidence(open_bundle(tmp_path))
    assert dict(ev.unavailable) == {"dsregcmd.txt": "dsregcmd", "nltest.txt": "nltest"}
    results = {f.id: f for f in run_checks(ev)}
    for check in ("IDN001", "IDN002", "IDN003", "IDN004", "IDN005"):
        assert results[check].status == "not_applicable", check
        assert results[check].message == (
            "dsregcmd does not exist on this Windows (unavailable.txt): device join to Entra ID "
            "is a Windows 10/11 feature"
        )


# --- 9.7: the .ps1 parses and uses nothing newer than PowerShell 2.0 --------------------------

# PowerShell 3.0+ features that PowerShell 2.0 (Windows 7 SP1) does not have, with sources:
# cmdlets: "What's New in Windows PowerShell 3.0" / "PowerShell 5.0" (Microsoft Learn,
# powershell/scripting/whats-new/...), each cmdlet page's "Applies to";
# syntax: about_Operators (-in/-notin: 3.0), about_Hash_Tables ([ordered]: 3.0),
# about_Automatic_Variables ($PSItem: 3.0), about_Arrays (.ForEach()/.Where(): 4.0).
_PS3_ONLY = (
    ("Get-CimInstance", "cmdlet, PowerShell 3.0 (use Get-WmiObject)"),
    ("Invoke-CimMethod", "cmdlet, PowerShell 3.0"),
    ("Compress-Archive", "cmdlet, PowerShell 5.0 (use Shell.Application CopyHere)"),
    ("Expand-Archive", "cmdlet, PowerShell 5.0"),
    ("Invoke-RestMethod", "cmdlet, PowerShell 3.0"),
    ("Invoke-WebRequest", "cmdlet, PowerShell 3.0"),
    ("ConvertTo-Json", "cmdlet, PowerShell 3.0 (build JSON by hand)"),
    ("ConvertFrom-Json", "cmdlet, PowerShell 3.0"),
    ("Get-FileHash", "cmdlet, PowerShell 4.0"),
    ("New-TemporaryFile", "cmdlet, PowerShell 5.0"),
    ("Get-TlsCipherSuite |", "cmdlet of Windows 10 only, allowed only behind Get-Command"),
    ("[ordered]", "type accelerator, PowerShell 3.0"),
    ("[pscustomobject]", "type accelerator, PowerShell 3.0"),
    ("$PSItem", "automatic variable, PowerShell 3.0"),
    ("-MemberName", "ForEach-Object -MemberName, PowerShell 3.0"),
    (" -in ", "operator, PowerShell 3.0"),
    (" -notin ", "operator, PowerShell 3.0"),
    (".ForEach(", "intrinsic method, PowerShell 4.0"),
    (".Where(", "intrinsic method, PowerShell 4.0"),
    ("-Encoding utf8NoBOM", "encoding name, PowerShell 6"),
    ("using namespace", "statement, PowerShell 5.0"),
    ("class ", "statement, PowerShell 5.0"),
    ("::new(", "constructor syntax, PowerShell 5.0"),
)


def test_ps1_uses_no_powershell_3_feature() -> None:
    text = render_ps1()
    for needle, why in _PS3_ONLY:
        for line in text.splitlines():
            if needle in line and not (
                needle.startswith("Compress-Archive") and "Get-Command Compress-Archive" in text
            ):
                # Compress-Archive stays only behind a Get-Command test, for PowerShell 5.
                assert needle == "Get-TlsCipherSuite |" and "Get-Command" in line, (needle, why)
    assert "Get-WmiObject Win32_ComputerSystem" in text
    assert "Shell.Application" in text and "CopyHere" in text
    assert "(not zipped: zip the folder by hand)" in text
    assert "if ($failed.Count -gt 0) { exit 1 }" in text


def test_ps1_parses_without_errors() -> None:
    ts = pytest.importorskip("tree_sitter", reason="pip install tree-sitter (test extras)")
    grammar = pytest.importorskip("tree_sitter_powershell", reason="test extras")
    tree = ts.Parser(ts.Language(grammar.language())).parse(render_ps1().encode())
    bad: list[str] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            bad.append(f"{node.type} at line {node.start_point[0] + 1}")
        stack.extend(node.children)
    assert bad == []
    assert tree.root_node.has_error is False


# --- 9.7 and 11.1 under Wine's cmd and reg (Windows 6.1.7601, i.e. Windows 7 SP1) -------------

WINE = shutil.which("wine")
pytestmark_wine = pytest.mark.skipif(
    WINE is None, reason="wine is not on PATH (apt-get install wine)"
)


@pytest.fixture(scope="module")
def wine_bundle(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    if WINE is None:
        pytest.skip("wine is not on PATH (apt-get install wine)")
    root = tmp_path_factory.mktemp("wine")
    env = {**os.environ, "WINEPREFIX": str(root / "prefix"), "WINEDEBUG": "-all"}

    def wine(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [WINE, *args], env=env, capture_output=True, text=True, timeout=300, check=False
        )

    winlogon = CURRENT_VERSION + r"\Winlogon"
    assert (
        wine(
            "reg", "add", winlogon, "/v", "DefaultPassword", "/d", "Hunter2secret", "/f"
        ).returncode
        == 0
    )
    assert (
        wine(
            "reg", "add", CURRENT_VERSION, "/v", "RegisteredOwner", "/d", "JaneOwnerX", "/f"
        ).returncode
        == 0
    )
    # Issue 13: the allow-listed values of the AuthRoot policy and Office Identity keys, next
    # to what must never leave the PC (the user's account under Identity\Identities).
    for key, name, data in (
        (AUTHROOT, "DisableRootAutoUpdate", "1"),
        (AUTHROOT + r"\Certificates\0123", "Blob", "7"),
        (IDENTITY, "DisableAADWAM", "1"),
        (IDENTITY, "Version", "1"),
        (IDENTITY + r"\Identities\0001_ADAL", "EmailAddress", "alice.secret@contoso.com"),
    ):
        kind = "REG_SZ" if name == "EmailAddress" else "REG_DWORD"
        added = wine("reg", "add", key, "/v", name, "/t", kind, "/d", data, "/f")
        assert added.returncode == 0, added.stderr
    script = root / "collect.cmd"
    script.write_bytes(render_cmd().encode())
    out = root / "bundle"
    done = wine("cmd", "/c", str(script), "Z:" + str(out).replace("/", "\\"))
    return out, done


@pytestmark_wine
@pytest.mark.wine
def test_cmd_under_wine_writes_regs_utf16_exports(
    wine_bundle: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, _ = wine_bundle
    regs = sorted(p.name for p in (out / "registry").iterdir())
    assert regs == [
        "authroot-policy.reg",
        "currentversion.reg",
        "inet-hkcu.reg",
        "inet-hklm.reg",
        "office-identity.reg",
        "schannel.reg",
    ]
    for name in regs:
        data = (out / "registry" / name).read_bytes()
        # The value-by-value exports are written by `cmd /u`: UTF-16LE without a BOM.
        values_only = ("currentversion.reg", "authroot-policy.reg", "office-identity.reg")
        assert data[:2] == b"\xff\xfe" or name in values_only, name
        assert data.decode("utf-16").startswith("Windows Registry Editor Version 5.00\r\n")
    ev = build_evidence(open_bundle(out))
    assert dict(ev.problems) == {}
    assert ev.registry is not None
    assert ev.registry.string(CURRENT_VERSION, "CurrentBuild") == "7601"
    assert ev.registry.dword(AUTHROOT, "DisableRootAutoUpdate") == 1
    assert ev.registry.dword(IDENTITY, "DisableAADWAM") == 1


@pytestmark_wine
@pytest.mark.wine
def test_cmd_under_wine_lists_missing_commands_and_writes_no_error_text(
    wine_bundle: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, done = wine_bundle
    assert (out / "unavailable.txt").read_text().splitlines() == [
        "dsregcmd dsregcmd.txt",
        "powershell cipher-suites.txt",
        "powershell ecc-curves.txt",
        "nltest nltest.txt",
        "powershell appx-broker.txt",
    ]
    # Wine's wevtutil is a stub that answers no event (exit 0): an empty list is evidence,
    # written as an empty file; its certutil prints nothing, which is a failure, not a file.
    assert (out / "events-schannel.xml").read_bytes() == b""
    assert (out / "events-aad.xml").read_bytes() == b""
    assert not (out / "root-store.txt").exists()
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for text in (data.decode("latin-1"), data.decode("utf-16-le", errors="ignore")):
                assert "not recognized" not in text, path
                assert "ERROR:" not in text, path
    assert not list(out.rglob("*.part"))
    # Wine's wmic has no qfe alias: hotfixes.txt failed, and the summary and exit code say so.
    assert (
        "Summary: 8 collected, 5 unavailable, 2 failed (12 registry keys absent, which is normal)"
        in done.stdout
    )
    assert "Failed: hotfixes.txt root-store.txt" in done.stdout
    assert done.returncode == 1
    ev = build_evidence(open_bundle(out))
    assert set(ev.unavailable) == {
        "dsregcmd.txt",
        "cipher-suites.txt",
        "ecc-curves.txt",
        "nltest.txt",
        "appx-broker.txt",
    }


@pytestmark_wine
@pytest.mark.wine
def test_cmd_under_wine_leaks_no_value_outside_the_allow_list(
    wine_bundle: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, _ = wine_bundle
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in (
                "Hunter2secret",
                "JaneOwnerX",
                "DefaultPassword",
                "RegisteredOwner",
                "alice.secret",
                "EmailAddress",
                "Blob",
            ):
                for encoded in (secret.encode(), secret.encode("utf-16-le")):
                    assert encoded not in data, (path, secret)
    registry = build_evidence(open_bundle(out)).registry
    assert registry is not None
    allowed = set(VALUE_ALLOWLIST[CURRENT_VERSION])
    assert set(registry.values(CURRENT_VERSION)) <= allowed
    assert set(registry.values(CURRENT_VERSION)) == {
        "ProductName",
        "CurrentBuild",
        "CurrentBuildNumber",
    }
    assert registry.subkeys(CURRENT_VERSION) == []
    assert set(registry.values(IDENTITY)) == {"DisableAADWAM"}
    assert set(registry.values(AUTHROOT)) == {"DisableRootAutoUpdate"}
    assert registry.subkeys(IDENTITY) == [] and registry.subkeys(AUTHROOT) == []


def test_guarded_command_exits_3_when_its_program_is_missing() -> None:
    from onedrive_doctor.collect.plan import COMMANDS, UNAVAILABLE_EXIT

    suites = next(c for c in COMMANDS if c.file == "cipher-suites.txt")
    assert UNAVAILABLE_EXIT == 3
    assert suites.guarded() == (
        "if (-not (Get-Command Get-TlsCipherSuite -ErrorAction SilentlyContinue)) { exit 3 }; "
        "Get-TlsCipherSuite | Format-Table Name -AutoSize | Out-String -Width 300"
    )
    assert (
        "Get-CimInstance Win32"
        not in Path(
            Path(__file__).parents[1] / "src/onedrive_doctor/collect/windows.py"
        ).read_text()
    )
