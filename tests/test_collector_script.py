"""collector-script: the .cmd and .ps1 collectors cover every key and file of the bundle spec."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from onedrive_doctor.collect.plan import COMMANDS, REGISTRY_KEYS
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
    }


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
        if name == "currentversion":
            assert f'reg query "{key}" /v UBR' in text
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
    assert text.count("\n    @('") == len(REGISTRY_KEYS) - 1  # CurrentVersion: values only (11.1)
    for command in COMMANDS:
        assert f"'{command.file}'" in text
    assert "Get-TlsCipherSuite | Format-Table Name" in text
    assert "Compress-Archive" in text
    assert "if ($domain) { if (-not (Get-Command nltest" in text
    assert "Save-Output 'nltest.txt' (nltest /dsgetdc:$domain)" in text


def test_default_is_powershell(cli: Any) -> None:
    assert cli("collector-script").out.startswith("# onedrive-doctor collector")


def test_live_collection_keeps_to_its_budget() -> None:
    import time

    from onedrive_doctor.collect.windows import _left

    assert _left(time.monotonic() + 100, 20) == 20
    left = _left(time.monotonic() + 5, 20)
    assert left is not None and 4 < left <= 5
    assert _left(time.monotonic() + 0.2, 20) is None
