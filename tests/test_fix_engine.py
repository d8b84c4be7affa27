"""The fix engine and its journal (issue 12 point 2), on real bundle files.

The plan is applied through ``BundleBackend`` to real ``reg export`` files; the fixed bundle is
analysed again; undo must give back every file byte for byte; a step made to fail (a read-only
.reg file) must leave the bundle as it was.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from fixbundles import FIXABLE, check_of, fixable_bundle, snapshot
from onedrive_doctor.analysis import analyze_bundle
from onedrive_doctor.bundle import open_bundle
from onedrive_doctor.checks import run_checks
from onedrive_doctor.evidence import build_evidence
from onedrive_doctor.fixes import Plan, PlanStep, RunCommand, Shell
from onedrive_doctor.fixes.engine import (
    FixFailed,
    apply,
    bundle_target,
    target_problem,
    undo,
)
from onedrive_doctor.fixes.journal import (
    JournalError,
    journal_checksum,
    read_journal,
    write_journal,
)
from onedrive_doctor.fixes.planner import plan_fixes
from onedrive_doctor.registry import BundleBackend
from winbundles import SCENARIOS, bundle


def _plan(root: Path) -> Plan:
    evidence = build_evidence(open_bundle(root))
    return plan_fixes(run_checks(evidence), evidence)


def _statuses(root: Path) -> dict[str, str]:
    return {f.id: f.status.value for f in analyze_bundle(root).findings}


@pytest.mark.parametrize("case", sorted(FIXABLE))
def test_applying_the_plan_makes_the_check_pass_and_undo_restores_every_byte(
    tmp_path: Path, case: str
) -> None:
    root = fixable_bundle(tmp_path, case)
    check = check_of(case)
    before = snapshot(root)
    verdicts = _statuses(root)
    assert verdicts[check] == "fail"
    journal_path = tmp_path / "journal.json"
    result = apply(_plan(root), BundleBackend(root), journal_path, include_confirm=True)
    assert result.journal_path == journal_path and result.applied
    after = _statuses(root)
    assert after[check] == "pass"
    # ODC002 (info) advises a OneDrive reset once fixes were applied: that is its purpose.
    newly = {c for c, s in after.items() if s == "fail" and verdicts.get(c) != "fail"}
    assert newly <= {"ODC002"}
    journal = read_journal(journal_path)
    assert journal.state == "applied"
    assert all(e["status"] == "applied" for e in journal.entries)
    assert snapshot(root) != before
    restored = undo(journal, BundleBackend(root), journal_path)
    assert restored.byte_for_byte and restored.restored == len(journal.entries)
    assert snapshot(root) == before
    assert read_journal(journal_path).state == "undone"


def test_the_journal_records_values_re_read_before_each_change(tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path, "SCH001")
    journal_path = tmp_path / "j.json"
    apply(_plan(root), BundleBackend(root), journal_path, include_confirm=True)
    doc = json.loads(journal_path.read_bytes().decode("utf-8"))
    assert list(doc) == [
        "journal_version",
        "tool",
        "created",
        "target",
        "state",
        "entries",
        "checksum",
    ]
    assert doc["checksum"] == journal_checksum(doc)
    assert doc["target"]["kind"] == "bundle"
    assert doc["target"]["bundle"] == str(root.resolve())
    key = (
        r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client"
    )
    assert [
        (e["check"], e["kind"], e["key"], e["name"], e["before"], e["after"], e["status"])
        for e in doc["entries"]
    ] == [
        ("SCH001", "set-value", key, "Enabled",
         {"state": "present", "type": "REG_DWORD", "data": 0},
         {"state": "present", "type": "REG_DWORD", "data": 1}, "applied"),
        ("SCH001", "set-value", key, "DisabledByDefault", {"state": "absent"},
         {"state": "present", "type": "REG_DWORD", "data": 0}, "applied"),
        ("INE001", "set-value", r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings",
         "SecureProtocols", {"state": "present", "type": "REG_DWORD", "data": 0xA0},
         {"state": "present", "type": "REG_DWORD", "data": 0x880}, "applied"),
    ]  # fmt: skip
    # Only the rewritten files are kept, beside the journal, with their hashes.
    assert [f["path"] for f in doc["target"]["files"]] == [
        "registry/inet.reg",
        "registry/schannel.reg",
    ]
    assert sorted(p.name for p in (tmp_path / "j.files").iterdir()) == ["inet.reg", "schannel.reg"]


def test_without_yes_only_safe_steps_are_applied(tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path, "SCH001")
    result = apply(_plan(root), BundleBackend(root), tmp_path / "j.json", include_confirm=False)
    assert [s.check_id for s in result.applied] == ["INE001"]  # the HKCU box is safe
    assert {s.check_id for s, why in result.not_applied if "--yes" in why} == {"SCH001"}
    assert _statuses(root)["SCH001"] == "fail"


def test_a_step_that_fails_midway_leaves_the_bundle_byte_for_byte(tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path, "SCH001")
    inet = root / "registry" / "inet.reg"
    os.chmod(inet, stat.S_IREAD)  # read-only: the INE001 step (after SCH001's two) fails
    before = snapshot(root)
    journal_path = tmp_path / "j.json"
    with pytest.raises(FixFailed) as failed:
        apply(_plan(root), BundleBackend(root), journal_path, include_confirm=True)
    assert failed.value.rolled_back and failed.value.number == 3
    assert str(failed.value) == (
        r"step 3 (INE001: set SecureProtocols at HKCU\Software\Microsoft\Windows\CurrentVersion"
        rf"\Internet Settings) failed: {inet}: the file is read-only; everything was rolled "
        "back, nothing was left changed"
    )
    assert snapshot(root) == before
    journal = read_journal(journal_path)
    assert journal.state == "rolled-back"
    assert [e["status"] for e in journal.entries] == ["rolled-back"] * 3
    with pytest.raises(ValueError, match="rolled back"):
        undo(journal, BundleBackend(root), journal_path)


def test_an_edited_journal_is_refused(tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path, "SCH002")
    journal_path = tmp_path / "j.json"
    apply(_plan(root), BundleBackend(root), journal_path, include_confirm=True)
    doc = json.loads(journal_path.read_text("utf-8"))
    doc["entries"][0]["before"]["data"] = 1
    journal_path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(JournalError, match="edited"):
        read_journal(journal_path)


def test_a_journal_of_another_bundle_is_refused(tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path / "a", "SCH002")
    other = fixable_bundle(tmp_path / "b", "SCH002")
    journal_path = tmp_path / "j.json"
    apply(_plan(root), BundleBackend(root), journal_path, include_confirm=True)
    journal = read_journal(journal_path)
    assert target_problem(journal, bundle_target(root, None, None)) is None
    problem = target_problem(journal, bundle_target(other, None, None))
    assert problem is not None and "another bundle" in problem
    named = bundle_target(other, "PC-17", None)
    assert "device name None" in (target_problem(journal, named) or "")


def test_undo_of_a_bundle_changed_since_restores_value_by_value(tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path, "SCH002")
    journal_path = tmp_path / "j.json"
    apply(_plan(root), BundleBackend(root), journal_path, include_confirm=True)
    # Someone else changes a file the fix rewrote: its bytes can no longer simply come back.
    other = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Contoso"
    BundleBackend(root).set_value(other, "Other", 4, 7)
    result = undo(read_journal(journal_path), BundleBackend(root), journal_path)
    assert not result.byte_for_byte and result.restored == 1
    verdicts = _statuses(root)
    assert verdicts["SCH002"] == "fail"  # ECDH's Enabled=0 is back
    assert BundleBackend(root).read_value(other, "Other") is not None


def test_strict_reading_refuses_what_is_not_a_journal(tmp_path: Path) -> None:
    path = tmp_path / "j.json"
    for data, message in (
        (b"\xef\xbb\xbf{}", "BOM"),
        (b"[1]", "top-level keys"),
        (b"{", "not UTF-8 JSON"),
    ):
        path.write_bytes(data)
        with pytest.raises(JournalError, match=message):
            read_journal(path)
    with pytest.raises(JournalError, match="cannot read"):
        read_journal(tmp_path / "missing.json")


def _live_plan() -> Plan:
    return Plan(
        (
            PlanStep(
                "SCH003",
                RunCommand(
                    "Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 -Position 0",
                    Shell.POWERSHELL,
                    undo="Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 "
                    "-Position 5",
                ),
            ),
            PlanStep(
                "SCH003",
                RunCommand(
                    "Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 -Position 0",
                    Shell.POWERSHELL,
                    undo="Disable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                ),
            ),
        )
    )


def test_commands_run_through_the_runner_journaled_and_undone_on_failure(tmp_path: Path) -> None:
    ran: list[str] = []

    def runner(command: str, shell: Shell) -> tuple[int, str]:
        ran.append(command)
        return (1, "refused") if "AES_256" in command and "Enable" in command else (0, "ok")

    registry, files = SCENARIOS["win10-ecdh-off"]
    backend = BundleBackend(bundle(tmp_path / "b", registry, **files))
    live = {"kind": "live", "computer": "PC-17", "machine_guid": "g"}
    journal_path = tmp_path / "j.json"

    class Live:  # the live registry API, on the bundle's files (no command touches them)
        def __getattr__(self, name: str) -> Any:
            return getattr(backend, name)

    with pytest.raises(FixFailed) as failed:
        apply(_live_plan(), Live(), journal_path, include_confirm=True, runner=runner, target=live)
    assert failed.value.number == 2 and failed.value.rolled_back
    assert ran == [
        "Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 -Position 0",
        "Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 -Position 0",
        # the first one put back where it was; the failed one has nothing to undo
        "Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 -Position 5",
    ]
    journal = read_journal(journal_path)
    assert [(e["kind"], e["status"], e["output"]) for e in journal.entries] == [
        ("run-command", "rolled-back", "ok"),
        ("run-command", "rolled-back", "refused"),
    ]


def test_against_a_bundle_commands_are_listed_for_the_pc_not_run(tmp_path: Path) -> None:
    registry, files = SCENARIOS["win10-ecdh-off"]
    root = bundle(tmp_path / "b", registry, **files)
    before = snapshot(root)

    def runner(command: str, shell: Shell) -> tuple[int, str]:
        raise AssertionError("a bundle never runs commands")

    result = apply(
        _live_plan(), BundleBackend(root), tmp_path / "j.json", include_confirm=True, runner=runner
    )
    assert [s.change.command for s in result.on_pc] == [  # type: ignore[union-attr]
        step.change.command
        for step in _live_plan().steps  # type: ignore[union-attr]
    ]
    assert result.journal_path is None and snapshot(root) == before


def test_write_journal_replaces_the_file_whole(tmp_path: Path) -> None:
    from onedrive_doctor.fixes.journal import Journal

    path = tmp_path / "j.json"
    journal = Journal(bundle_target(tmp_path, None, None))
    write_journal(path, journal)
    journal.state = "applied"
    write_journal(path, journal)
    assert read_journal(path).state == "applied"
    assert [p.name for p in tmp_path.iterdir()] == ["j.json"]
