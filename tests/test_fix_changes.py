"""Fixes are data (issue 8): every registry write or command in a fix is a typed change, and
the human steps are rendered from the changes, never written by hand."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from onedrive_doctor.analysis import analyze_bundle
from onedrive_doctor.fixes import render_steps
from onedrive_doctor.fixes.changes import (
    DeleteKey,
    DeleteValue,
    ManualStep,
    RunCommand,
    SetValue,
)
from onedrive_doctor.model import Status
from winbundles import SCENARIOS, bundle

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "schema" / "report.schema.json").read_text()
)
# A command a person would paste: it must come from a typed change, never from prose.
_COMMAND = re.compile(r"\breg(?:\.exe)? (?:add|delete)\b|\b(?:En|Dis)able-TlsCipherSuite\b", re.I)


def _failing(tmp_path: Path, name: str) -> list[Any]:
    registry, files = SCENARIOS[name]
    report = analyze_bundle(bundle(tmp_path, registry, **files))
    failing = [f for f in report.findings if f.status is Status.FAIL and f.fix is not None]
    assert failing, f"{name}: the scenario must make some check fail"
    return failing


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_command_in_a_fix_is_a_typed_change(tmp_path: Path, name: str) -> None:
    for finding in _failing(tmp_path, name):
        fix = finding.fix
        assert fix.changes, f"{finding.id}: a fix without changes"
        for change in fix.changes:
            if isinstance(change, ManualStep):
                assert not _COMMAND.search(change.text), (finding.id, change.text)
        # The steps a person reads are exactly the rendering of the changes.
        assert fix.steps == render_steps(fix.changes)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_fix_json_keeps_its_keys_and_adds_changes(tmp_path: Path, name: str) -> None:
    from onedrive_doctor.report import render_json

    registry, files = SCENARIOS[name]
    report = analyze_bundle(bundle(tmp_path, registry, **files))
    document = json.loads(render_json(report))
    jsonschema.validate(document, SCHEMA)
    fixes = [f["fix"] for f in document["findings"] if f["fix"] is not None]
    assert fixes
    for data in fixes:
        assert list(data) == ["title", "steps", "safety", "needs_admin", "needs_restart", "changes"]
        assert data["changes"] and all("kind" in change for change in data["changes"])


def test_registry_changes_know_their_hive_admin_and_primitive() -> None:
    from onedrive_doctor.fixes.changes import Hive, ValueType, split_hive

    hive, key = split_hive(r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL")
    change = SetValue(hive, key, "Enabled", ValueType.REG_DWORD, 1, before=0)
    assert change.needs_admin is True
    assert change.primitive()[:2] == (rf"HKLM\{key}", "Enabled")
    user = DeleteValue(Hive.HKCU, r"Software\Microsoft\OneDrive", "OneAuthUnrecoverableTimestamp")
    assert user.needs_admin is False
    assert render_steps([change, user, DeleteKey(Hive.HKCU, r"Software\X")]) == (
        rf'reg add "HKLM\{key}" /v Enabled /t REG_DWORD /d 1 /f',
        r'reg delete "HKCU\Software\Microsoft\OneDrive" /v OneAuthUnrecoverableTimestamp /f',
        r'reg delete "HKCU\Software\X" /f',
    )


def test_a_group_policy_value_is_never_a_local_write() -> None:
    from onedrive_doctor.fixes.changes import Hive, ValueType

    with pytest.raises(ValueError, match="Group Policy"):
        SetValue(
            Hive.HKLM,
            r"SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002",
            "Functions",
            ValueType.REG_SZ,
            "TLS_AES_128_GCM_SHA256",
        )


def test_a_command_names_its_undo_or_why_it_has_none() -> None:
    from onedrive_doctor.fixes.changes import Shell

    with pytest.raises(ValueError, match="undo"):
        RunCommand("dsregcmd /forcerecovery", Shell.CMD, undo=None)
    ok = RunCommand("dsregcmd /forcerecovery", Shell.CMD, undo=None, undo_why="re-registers")
    assert ok.to_json()["undo_why"] == "re-registers"
