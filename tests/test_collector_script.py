"""collector-script: the .cmd and .ps1 collectors cover every key and file of the bundle spec."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from onedrive_doctor.collect.plan import COMMANDS, REGISTRY_KEYS, allowed_values
from repo_paths import SPEC

BUNDLE_SPEC = SPEC / "bundle.md"  # the in-repo copy of the contract (tests/test_docs.py)


def _spec_keys() -> set[str]:
    keys = set(re.findall(r"`((?:HKLM|HKCU)\\[^`]+)`", BUNDLE_SPEC.read_text()))
    assert keys, "docs/spec/bundle.md names no registry key"
    return keys


def test_every_spec_key_is_exported() -> None:
    exported = {key.lower() for _, key in REGISTRY_KEYS}
    for key in _spec_keys() - {k for k in _spec_keys() if k.endswith("...")}:
        # "...\Internet Settings` (includes `WinHttp` ...)": the spec names whole subtrees.
        assert key.lower() in exported, key


def test_every_bundle_text_file_is_collected() -> None:
    assert {c.file for c in COMMANDS} == {
        "dsregcmd.txt",
        "hotfixes.txt",
        "cipher-suites.txt",
        "ecc-curves.txt",
        "nltest.txt",
        # Issue 13: the planned files of docs/spec/bundle.md.
        "events-schannel.xml",
        "events-aad.xml",
        "root-store.txt",
        "appx-broker.txt",
    }


def test_every_planned_key_of_issue_13_is_exported_with_its_allow_list() -> None:
    keys = dict(REGISTRY_KEYS)
    authroot = r"HKLM\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot"
    identity = r"HKCU\Software\Microsoft\Office\16.0\Common\Identity"
    assert keys["authroot-policy"] == authroot
    assert keys["office-identity"] == identity
    assert allowed_values(authroot) == ("DisableRootAutoUpdate",)
    assert allowed_values(identity) == ("EnableADAL", "DisableAADWAM", "DisableADALatopWAMOverride")


def test_cmd_script_uses_crlf_and_reg_export(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "collect.cmd"
    result = cli("collector-script", "--cmd", "-o", str(out))
    assert result.code == 0
    data = out.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    text = data.decode()
    assert text.startswith("@echo off")
    # Changed by issue 11.1: CurrentVersion is read value by value, not exported whole.
    for name, key in REGISTRY_KEYS:
        values = allowed_values(key)
        if values is not None:  # value by value, never the whole key (11.1, 13)
            assert f'reg query "{key}" /v {values[-1]}' in text
            assert f'call :reg "{name}"' not in text
        else:
            assert f'call :reg "{name}" "{key}"' in text
    assert 'reg export "%~2" "%OUT%\\registry\\%~1.reg.part" /y' in text
    # Changed by issue 9.7: output goes to a .part file, kept only when the command worked.
    assert 'if defined HAVE dsregcmd /status > "%OUT%\\dsregcmd.txt.part" 2>nul' in text
    assert "if defined HAVE if defined DOMAIN nltest /dsgetdc:%DOMAIN%" in text
    assert '\\manifest.json" echo {"schema_version": 1' in text


def test_ps1_script_collects_the_same_files_and_zips(cli: Any) -> None:
    result = cli("collector-script", "--ps1")
    assert result.code == 0
    text = result.out
    # CurrentVersion (11.1), AuthRoot and Office Identity (13): values only.
    whole = [key for _, key in REGISTRY_KEYS if allowed_values(key) is None]
    assert text.count("\n    @('") == len(whole) == len(REGISTRY_KEYS) - 3
    for command in COMMANDS:
        assert f"'{command.file}'" in text
    assert "Get-TlsCipherSuite | Format-Table Name" in text
    assert "Compress-Archive" in text
    assert "if ($domain) { if (-not (Get-Command nltest" in text
    assert "Save-Output 'nltest.txt' (nltest /dsgetdc:$domain)" in text
    # Issue 13: an empty answer is evidence only when the command itself worked.
    assert (
        "try { $global:LASTEXITCODE = 0; Save-Output 'appx-broker.txt' (Get-AppxPackage -Name "
        "Microsoft.AAD.BrokerPlugin -ErrorAction Stop | Out-String -Width 300) $true }"
    ) in text
    assert (
        "if (-not (Get-Command wevtutil -ErrorAction SilentlyContinue) -or -not (Get-WinEvent "
        "-ListLog 'Microsoft-Windows-AAD/Operational' -ErrorAction SilentlyContinue)) "
        "{ Add-Unavailable 'wevtutil' 'events-aad.xml' }"
    ) in text
    assert "Save-Output 'root-store.txt' (certutil -store root) }" in text


def test_cmd_script_checks_the_aad_log_exists_and_keeps_empty_event_lists(cli: Any) -> None:
    text = cli("collector-script", "--cmd").out
    assert (
        'if defined HAVE call :have_log "Microsoft-Windows-AAD/Operational" "wevtutil" '
        '"events-aad.xml"'
    ) in text
    assert 'wevtutil gl "%~1" >nul 2>&1' in text
    assert (
        "if defined HAVE wevtutil qe System /q:\"*[System[Provider[@Name='Schannel']]]\" /c:200 "
        '/rd:true /f:xml > "%OUT%\\events-schannel.xml.part" 2>nul'
    ) in text
    assert 'if defined HAVE call :keep "events-schannel.xml" empty' in text
    assert 'if defined PSVER call :keep "appx-broker.txt" empty "Get-AppxPackage"' in text
    assert 'if defined HAVE call :keep "root-store.txt" ok' in text


def test_default_is_powershell(cli: Any) -> None:
    assert cli("collector-script").out.startswith("# onedrive-doctor collector")


def test_live_collection_keeps_to_its_budget() -> None:
    import time

    from onedrive_doctor.collect.windows import _left

    assert _left(time.monotonic() + 100, 20) == 20
    left = _left(time.monotonic() + 5, 20)
    assert left is not None and 4 < left <= 5
    assert _left(time.monotonic() + 0.2, 20) is None
