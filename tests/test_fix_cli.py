"""``fix`` and ``undo`` on the command line (issue 12 "Done when"), on real bundle folders.

For every fixable check: a failing fixture bundle -> ``fix --apply --yes --bundle`` ->
``analyze`` shows the check passing and nothing newly failing -> ``undo`` gives back every
file byte for byte. A step made to fail (a read-only .reg file) leaves the bundle as it was,
exit 4 and one line; an edited journal and a journal of another bundle are refused (exit 3).
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from fixbundles import FIXABLE, check_of, fixable_bundle, snapshot
from onedrive_doctor.fixes.journal import journal_checksum

_JOURNAL = re.compile(r"^Journal: (.+)$", re.MULTILINE)


def _failing(cli: Any, root: Path) -> dict[str, str | None]:
    result = cli("analyze", str(root), "--format", "json")
    return {f["id"]: f["severity"] for f in result.json()["findings"] if f["status"] == "fail"}


def _journal_of(out: str) -> Path:
    found = _JOURNAL.search(out)
    assert found, out
    return Path(found.group(1))


@pytest.mark.parametrize("case", sorted(FIXABLE))
def test_fix_apply_then_analyze_passes_and_undo_restores_the_bundle_byte_for_byte(
    cli: Any, tmp_path: Path, case: str
) -> None:
    root = fixable_bundle(tmp_path, case)
    check = check_of(case)
    before = snapshot(root)
    failing = _failing(cli, root)
    assert check in failing
    applied = cli("fix", "--bundle", str(root), "--apply", "--yes")
    assert applied.code == 0, applied.err
    journal = _journal_of(applied.out)
    assert journal.parent == root.parent and journal.name.startswith(f"{root.name}.fix-")
    assert journal.name.endswith("Z.json")
    now = _failing(cli, root)
    assert check not in now
    # ODC002 (info) advises the OneDrive reset once fixes are applied: that is what it is for.
    assert set(now) - set(failing) <= {"ODC002"}
    undone = cli("undo", str(journal))
    assert (undone.code, undone.err) == (0, "")
    assert "byte for byte" in undone.out
    assert snapshot(root) == before


def test_the_plan_is_printed_with_exit_1_while_checks_fail(cli: Any, tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path, "SCH001")
    before = snapshot(root)
    result = cli("fix", "--bundle", str(root))
    assert result.code == 1
    assert snapshot(root) == before
    lines = result.out.splitlines()
    command = (
        r'        reg add "HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL'
        r'\Protocols\TLS 1.2\Client" /v Enabled /t REG_DWORD /d 1 /f'
    )
    assert command in lines  # whole, on its own line, never wrapped
    assert " 1. SCH001 — needs-confirmation, runs as administrator, restart" in lines
    assert " 3. INE001 — safe, runs as signed-in user (not elevated)" in lines
    assert all(len(line) <= 100 for line in lines if not line.startswith("        "))


def test_the_json_plan_has_stable_keys_and_reads_back(cli: Any, tmp_path: Path) -> None:
    from onedrive_doctor.fixes import Plan

    root = fixable_bundle(tmp_path, "SCH002")
    doc = cli("fix", "--bundle", str(root), "--format", "json").json()
    assert list(doc) == [
        "schema_version",
        "tool",
        "source",
        "failing",
        "steps",
        "skipped",
        "after",
        "needs_admin",
        "needs_restart",
        "apply",
    ]
    assert doc["schema_version"] == 1 and doc["apply"] is None
    step = doc["steps"][0]
    assert (step["check"], step["also"], step["applies"], step["runs_as"]) == (
        "SCH002",
        ["SCH005"],
        "--apply --yes",
        "administrator",
    )
    assert step["command"] == (
        r'reg delete "HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL'
        r'\KeyExchangeAlgorithms\ECDH" /v Enabled /f'
    )
    assert Plan.from_json(doc).to_json()["steps"][0]["change"] == step["change"]


def test_the_html_plan_is_one_page_under_the_reports_csp(cli: Any, tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path, "SCH001")
    page = cli("fix", "--bundle", str(root), "--format", "html").out
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page and "default-src &#x27;none&#x27;" in page
    assert "<pre><code>reg add &quot;HKLM\\SYSTEM" in page
    assert not re.search(r"""(src|href)=["']?(?!https?://|#)""", page.replace("<a href", ""))


def test_a_step_failing_midway_rolls_back_exit_4_one_line(cli: Any, tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path, "SCH001")
    inet = root / "registry" / "inet.reg"
    os.chmod(inet, stat.S_IREAD)  # the third step (INE001, HKCU) cannot write this file
    before = snapshot(root)
    result = cli("fix", "--bundle", str(root), "--apply", "--yes")
    assert result.code == 4
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert result.err.startswith("onedrive-doctor: error: step 3 (INE001: set SecureProtocols")
    assert result.err.rstrip().endswith("everything was rolled back, nothing was left changed")
    assert snapshot(root) == before


def test_an_edited_journal_is_refused(cli: Any, tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path, "SCH001")
    journal = _journal_of(cli("fix", "--bundle", str(root), "--apply", "--yes").out)
    fixed = snapshot(root)
    doc = json.loads(journal.read_text("utf-8"))
    doc["entries"][0]["before"] = {"state": "absent"}  # edited by hand, checksum left as it was
    journal.write_text(json.dumps(doc), "utf-8")
    result = cli("undo", str(journal))
    assert result.code == 3 and result.out == ""
    assert result.err.count("\n") == 1 and "the journal was edited" in result.err
    assert snapshot(root) == fixed


def test_a_journal_of_another_bundle_is_refused(cli: Any, tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path / "a", "SCH001")
    other = fixable_bundle(tmp_path / "b", "SCH001")
    journal = _journal_of(cli("fix", "--bundle", str(root), "--apply", "--yes").out)
    untouched = snapshot(other)
    result = cli("undo", str(journal), "--bundle", str(other))
    assert result.code == 3
    assert "another bundle" in result.err and result.err.count("\n") == 1
    assert snapshot(other) == untouched
    # A journal re-checksummed after its target was changed is refused for its identity too.
    doc = json.loads(journal.read_text("utf-8"))
    doc["target"]["computer"] = "PC-99"
    doc["checksum"] = journal_checksum(doc)
    journal.write_text(json.dumps(doc), "utf-8")
    refused = cli("undo", str(journal))
    assert refused.code == 3 and "device name 'PC-99'" in refused.err


def test_undo_twice_is_refused(cli: Any, tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path, "SCH002")
    journal = _journal_of(cli("fix", "--bundle", str(root), "--apply", "--yes").out)
    assert cli("undo", str(journal)).code == 0
    again = cli("undo", str(journal))
    assert again.code == 3 and "undone already" in again.err


def test_a_zip_bundle_cannot_be_fixed_in_place(cli: Any, tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path, "SCH001")
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in root.rglob("*"):
            out.write(path, path.relative_to(root))
    result = cli("fix", "--bundle", str(archive), "--apply", "--yes")
    assert result.code == 3
    assert "a .zip bundle cannot be fixed in place" in result.err
    # Planning from a zip is fine: it reads only.
    assert cli("fix", "--bundle", str(archive)).code == 1


@pytest.mark.skipif(sys.platform == "win32", reason="this is Windows")
def test_live_apply_off_windows_is_refused_before_anything(cli: Any) -> None:
    result = cli("fix", "--apply")
    assert result.code == 3
    assert result.err == (
        "onedrive-doctor: error: live fixes need Windows: use --bundle DIR or an export\n"
    )


def test_usage_errors_exit_2(cli: Any, tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path, "SCH001")
    assert cli("fix", "--bundle", str(root), "--yes").code == 2
    assert cli("fix", "--bundle", str(root), "--format", "csv").code == 2
    assert cli("undo").code == 2


def test_without_yes_only_the_safe_steps_are_applied(cli: Any, tmp_path: Path) -> None:
    root = fixable_bundle(tmp_path, "SCH001")
    result = cli("fix", "--bundle", str(root), "--apply")
    assert result.code == 0
    assert "Applied: 1 change(s)" in result.out
    now = _failing(cli, root)
    assert "SCH001" in now and "INE001" not in now


@pytest.mark.windows_only
@pytest.mark.skipif(sys.platform != "win32", reason="needs a live Windows machine (winreg)")
def test_live_engine_applies_and_undoes_under_hkcu(tmp_path: Path) -> None:
    from onedrive_doctor.fixes import Hive, Plan, PlanStep, Safety, SetValue, ValueType
    from onedrive_doctor.fixes.engine import apply, live_target, target_problem, undo
    from onedrive_doctor.fixes.journal import read_journal
    from onedrive_doctor.registry import WinRegBackend

    backend = WinRegBackend()
    key = r"Software\onedrive-doctor-test\fix"
    change = SetValue(Hive.HKCU, key, "V", ValueType.REG_DWORD, 1, safety=Safety.SAFE)
    plan = Plan((PlanStep("TEST", change),))
    journal_path = tmp_path / "j.json"
    try:
        apply(plan, backend, journal_path, include_confirm=False)
        found = backend.read_value(rf"HKCU\{key}", "V")
        assert found is not None and found.data == 1
        journal = read_journal(journal_path)
        assert target_problem(journal, live_target(backend)) is None
        undo(journal, backend, journal_path)
        assert backend.read_value(rf"HKCU\{key}", "V") is None
    finally:
        backend.delete_key(r"HKCU\Software\onedrive-doctor-test")


def test_commands_and_their_undo_stand_whole_on_their_own_lines(cli: Any, tmp_path: Path) -> None:
    from fixbundles import ALICE_TRIGGER, ONEDRIVE_HKCU
    from winbundles import WIN11_24H2, bundle, default_registry

    registry = {
        **default_registry(WIN11_24H2),
        "onedrive-hkcu": ONEDRIVE_HKCU + "\n" + ALICE_TRIGGER,
    }
    root = bundle(tmp_path / "b", registry)
    out = cli("fix", "--bundle", str(root)).out
    lines = out.splitlines()
    doc = cli("fix", "--bundle", str(root), "--format", "json").json()
    commands = [s["command"] for s in doc["steps"] if s["command"]]
    undos = [s["change"]["undo"] for s in doc["steps"] if s["change"].get("undo")]
    assert len(commands) == 4 and len(undos) == 2
    for line in (*commands, *undos):
        assert f"        {line}" in lines, line
    # Applied to a bundle, commands are listed for the PC and nothing is written.
    before = snapshot(root)
    applied = cli("fix", "--bundle", str(root), "--apply", "--yes")
    assert applied.code == 0
    assert "to run on the PC: 4." in applied.out and "Journal:" not in applied.out
    assert snapshot(root) == before
