r"""The live fix engine against a real registry: Wine's, through its reg.exe (issue 12 point 4).

``RegExeBackend(("wine", "reg"))`` is the live path with reg.exe; the plan of a real bundle is
applied to Wine's registry (seeded with that bundle's values first), journaled as a live target,
read back, and undone. A failing command, run by Wine's own cmd.exe, rolls back what was done.
Each test module gets its own Wine prefix and a persistent wineserver, stopped at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixbundles import fixable_bundle
from onedrive_doctor.bundle import open_bundle
from onedrive_doctor.checks import run_checks
from onedrive_doctor.evidence import build_evidence
from onedrive_doctor.fixes import (
    Hive,
    Plan,
    PlanStep,
    RunCommand,
    Safety,
    SetValue,
    Shell,
    ValueType,
)
from onedrive_doctor.fixes.engine import FixFailed, apply, live_target, target_problem, undo
from onedrive_doctor.fixes.journal import read_journal
from onedrive_doctor.fixes.planner import plan_fixes
from onedrive_doctor.registry._regexe import RegExeBackend

WINE = shutil.which("wine")
WINESERVER = shutil.which("wineserver")
pytestmark = [
    pytest.mark.wine,
    pytest.mark.slow,
    pytest.mark.skipif(
        WINE is None or WINESERVER is None, reason="wine is not on PATH (apt-get install wine)"
    ),
]
TLS12 = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client"
INET = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"


@pytest.fixture(scope="module")
def wine_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    assert WINE is not None and WINESERVER is not None
    prefix = tmp_path_factory.mktemp("wine") / "prefix"
    env = {**os.environ, "WINEPREFIX": str(prefix), "WINEDEBUG": "-all"}
    subprocess.run([WINESERVER, "-p"], env=env, check=False, timeout=60)
    try:
        # The first call builds the prefix (wineboot); later ones take a fraction of a second.
        subprocess.run([WINE, "reg", "query", "HKCU"], env=env, capture_output=True, timeout=300)
        yield env
    finally:
        subprocess.run([WINESERVER, "-k"], env=env, check=False, timeout=60)


@pytest.fixture
def backend(wine_env: dict[str, str]) -> RegExeBackend:
    assert WINE is not None
    return RegExeBackend((WINE, "reg"), env=wine_env, timeout=120)


def test_the_plan_of_a_bundle_applied_to_wines_registry_and_undone(
    backend: RegExeBackend, tmp_path: Path
) -> None:
    root = fixable_bundle(tmp_path, "SCH001")
    evidence = build_evidence(open_bundle(root))
    plan = plan_fixes(run_checks(evidence), evidence)
    # Wine's registry in the state the bundle shows: TLS 1.2 Enabled=0, the boxes at 0xA0.
    backend.delete_key(TLS12)
    backend.set_value(TLS12, "Enabled", 4, 0)
    backend.set_value(INET, "SecureProtocols", 4, 0xA0)
    target = live_target(backend)
    assert target["machine_guid"]  # Wine keeps a MachineGuid as Windows does
    journal_path = tmp_path / "live.json"
    result = apply(plan, backend, journal_path, include_confirm=True, target=target)
    assert [s.check_id for s in result.applied] == ["SCH001", "SCH001", "INE001"]

    def values() -> list[object]:
        found = [
            backend.read_value(TLS12, "Enabled"),
            backend.read_value(TLS12, "DisabledByDefault"),
            backend.read_value(INET, "SecureProtocols"),
        ]
        return [None if v is None else (v.type, v.data) for v in found]

    assert values() == [(4, 1), (4, 0), (4, 0x880)]
    journal = read_journal(journal_path)
    assert journal.target == target and journal.state == "applied"
    assert [e["before"] for e in journal.entries] == [
        {"state": "present", "type": "REG_DWORD", "data": 0},
        {"state": "absent"},
        {"state": "present", "type": "REG_DWORD", "data": 0xA0},
    ]
    assert target_problem(journal, live_target(backend)) is None
    other = {**target, "machine_guid": "{00000000-0000-0000-0000-000000000000}"}
    assert "another PC" in (target_problem(journal, other) or "")
    undo(journal, backend, journal_path)
    assert values() == [(4, 0), None, (4, 0xA0)]
    assert read_journal(journal_path).state == "undone"


def test_a_command_failing_under_wines_cmd_rolls_back_the_registry(
    backend: RegExeBackend, wine_env: dict[str, str], tmp_path: Path
) -> None:
    assert WINE is not None
    key = r"Software\onedrive-doctor-test\rollback"
    backend.delete_key(rf"HKCU\{key}")

    def runner(command: str, shell: Shell) -> tuple[int, str]:
        done = subprocess.run(
            [WINE, "cmd", "/c", command], env=wine_env, capture_output=True, timeout=120
        )
        return done.returncode, (done.stdout + done.stderr).decode("utf-8", "replace")

    plan = Plan(
        (
            PlanStep(
                "TEST",
                SetValue(Hive.HKCU, key, "V", ValueType.REG_DWORD, 1, safety=Safety.SAFE),
            ),
            PlanStep(
                "TEST",
                RunCommand("exit 3", Shell.CMD, undo=None, undo_why="a test", safety=Safety.SAFE),
            ),
        )
    )
    live = {"kind": "live", "computer": None, "machine_guid": "test"}
    with pytest.raises(FixFailed) as failed:
        apply(plan, backend, tmp_path / "j.json", include_confirm=False, runner=runner, target=live)
    assert failed.value.rolled_back and failed.value.number == 2
    assert "`exit 3` exited with 3" in str(failed.value)
    assert backend.read_value(rf"HKCU\{key}", "V") is None
    assert [e["status"] for e in read_journal(tmp_path / "j.json").entries] == [
        "rolled-back",
        "rolled-back",
    ]
