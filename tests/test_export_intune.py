"""``--export-intune``: a machine package and a user package, each detect / remediate / rollback.

Every script parses with zero ERROR / MISSING nodes under tree-sitter's PowerShell grammar, is
ASCII (so UTF-8 without a BOM), and holds only its own hive's changes: Intune runs a package as
SYSTEM unless told to use the logged-on credentials, and SYSTEM's HKCU is not the user's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exportplans import mixed_plan
from onedrive_doctor.errors import InputError
from onedrive_doctor.fixes import ABSENT, Hive, Plan, PlanStep, SetValue, ValueType
from onedrive_doctor.fixes.export_intune import MAX_DETECTION_OUTPUT, export_intune
from psparse import parse_errors

FILES = ["detect.ps1", "remediate.ps1", "rollback.ps1"]


def test_both_packages_and_readme_are_written_and_every_script_parses(tmp_path: Path) -> None:
    out = tmp_path / "intune"
    written = export_intune(mixed_plan(tmp_path), out)
    names = sorted(p.relative_to(out).as_posix() for p in written)
    assert names == sorted(["README.txt", *FILES, *(f"user/{f}" for f in FILES)])
    for path in written:
        data = path.read_bytes()
        assert data.isascii() and not data.startswith(b"\xef\xbb\xbf"), path
        if path.suffix == ".ps1":
            assert parse_errors(data.decode()) == [], path


def test_hklm_goes_to_the_system_package_and_hkcu_to_the_user_one(tmp_path: Path) -> None:
    out = tmp_path / "intune"
    export_intune(mixed_plan(tmp_path), out)
    machine = (out / "remediate.ps1").read_text()
    user = (out / "user" / "remediate.ps1").read_text()
    assert "Hive = 'HKLM'" in machine and "Hive = 'HKCU'" not in machine
    assert "Hive = 'HKCU'" in user and "Hive = 'HKLM'" not in user
    # Enable-TlsCipherSuite needs an administrator: the machine package runs it.
    assert "Enable-TlsCipherSuite" in machine and "Enable-TlsCipherSuite" not in user
    assert "$NeedsAdmin = $true" in machine and "$NeedsAdmin = $false" in user
    assert "Join-Path $env:ProgramData" in machine and "Join-Path $env:LOCALAPPDATA" in user
    detect_user = (out / "user" / "detect.ps1").read_text()
    assert "SecureProtocols" in detect_user and "SCHANNEL" not in detect_user
    readme = (out / "README.txt").read_text()
    assert "Run script in 64-bit PowerShell = Yes" in readme
    assert "Run this script using the logged-on credentials = No (runs as SYSTEM)." in readme
    assert "Run this script using the logged-on credentials = Yes" in readme
    assert "OS002: Upgrade the PC to a supported Windows 11 release." in readme


def test_detection_exits_1_while_different_and_prints_one_bounded_json_line(
    tmp_path: Path,
) -> None:
    out = tmp_path / "intune"
    export_intune(mixed_plan(tmp_path), out)
    detect = (out / "detect.ps1").read_text()
    # The values the plan promises are compared as canonical JSON, case-sensitively.
    assert 'Want = \'{"data":1,"state":"present","type":"REG_DWORD"}\'' in detect
    assert "if ($now -cne $c.Want)" in detect
    exits = re.findall(r"^\s*exit (\d)\s*$", detect, re.MULTILINE)
    assert exits == ["1", "1", "1", "0"]  # 32-bit, unreadable, different; all as planned
    # An unreadable value is a problem, not "fixed".
    assert "Write-Verdict $false $differs ('cannot read: ' + $_.Exception.Message)" in detect
    limit = int(re.search(r"\.Length\) -lt (\d+)\)", detect).group(1))  # type: ignore[union-attr]
    # What follows the bounded part: ',"differs":[' + ']' + ',"more":NNNN' + '}'.
    assert limit + len(',"differs":[],"more":99999}') < MAX_DETECTION_OUTPUT
    assert detect.count("Write-Output") == 1  # one line, through Write-Verdict
    # A command counts as done only once a journal records it applied.
    assert "Command = 'Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" in detect
    assert "$x.kind -eq 'run-command' -and $x.status -eq 'applied'" in detect
    assert "$Commands = @()" in (out / "user" / "detect.ps1").read_text()


def test_rollback_checks_checksum_and_pc_before_restoring(tmp_path: Path) -> None:
    out = tmp_path / "intune"
    export_intune(mixed_plan(tmp_path), out)
    rollback = (out / "rollback.ps1").read_text()
    refuse = rollback.index("the journal was edited")
    assert rollback.index("belongs to another PC") < refuse < rollback.index("Restore-Tree $hive")
    assert "$e.Status = 'undone'" in rollback and "$Journal.State = 'undone'" in rollback


def test_a_user_only_plan_has_no_system_package(tmp_path: Path) -> None:
    plan = Plan(
        (
            PlanStep(
                "INE001",
                SetValue(
                    Hive.HKCU,
                    r"Software\Microsoft\Windows\CurrentVersion\Internet Settings",
                    "SecureProtocols",
                    ValueType.REG_DWORD,
                    0xA80,
                    before=ABSENT,
                ),
            ),
        )
    )
    out = tmp_path / "intune"
    names = sorted(p.relative_to(out).as_posix() for p in export_intune(plan, out))
    assert names == ["README.txt", *(f"user/{f}" for f in FILES)]
    assert "1. The user folder" in (out / "README.txt").read_text()


def test_export_intune_refuses_a_non_empty_folder_or_a_file(tmp_path: Path) -> None:
    plan = mixed_plan(tmp_path)
    out = tmp_path / "intune"
    out.mkdir()
    (out / "mine.txt").write_text("mine")
    with pytest.raises(InputError, match="is not empty"):
        export_intune(plan, out)
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]
    export_intune(plan, out, force=True)
    assert (out / "mine.txt").read_text() == "mine"
    with pytest.raises(InputError, match="is a file"):
        export_intune(plan, out / "mine.txt")
