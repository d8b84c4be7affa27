r"""Fix plans for the export tests, made of the real changes of failing fixture bundles.

The planner is built in parallel; these plans take each failing check's ``Fix.changes`` from the
analysis of the winbundles scenarios, in the order the findings come, so every export renders
values the checks really propose (including a value two checks both delete, as SCH002 and
SCH005 do for ECDH), plus the changes of fixes not in the fixtures yet (the local cipher-suite
list of SCH003 before Windows 10, ``Enable-TlsCipherSuite``).
"""

from __future__ import annotations

from pathlib import Path

from onedrive_doctor.analysis import analyze_bundle
from onedrive_doctor.fixes import (
    ABSENT,
    Hive,
    ManualStep,
    Plan,
    PlanStep,
    RunCommand,
    Safety,
    SetValue,
    Shell,
    ValueType,
)
from onedrive_doctor.model import Status
from winbundles import SCENARIOS, bundle

LOCAL_SUITES = r"SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\Default\00010002"
SUITES = ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")


def scenario_steps(tmp_path: Path, name: str, only: tuple[str, ...] = ()) -> list[PlanStep]:
    """The changes of every failing check of scenario ``name`` (only the ``only`` IDs if given)."""
    registry, files = SCENARIOS[name]
    folder = tmp_path / name
    folder.mkdir()
    report = analyze_bundle(bundle(folder, registry, **files))
    return [
        PlanStep(finding.id, change)
        for finding in report.findings
        if finding.status is Status.FAIL and finding.fix is not None
        if not only or finding.id in only
        for change in finding.fix.changes
    ]


def mixed_plan(tmp_path: Path) -> Plan:
    """SCH001, INE001 (HKCU), SCH002/SCH005 deletes, WHT001 both views, a multi-string, a command"""
    steps = [
        *scenario_steps(tmp_path, "win10-tls12-off", ("SCH001", "INE001")),
        *scenario_steps(tmp_path, "win10-ecdh-off", ("SCH002", "SCH005")),
        *scenario_steps(tmp_path, "win7-defaults", ("WHT001",)),
        PlanStep(
            "SCH003",
            SetValue(
                Hive.HKLM,
                LOCAL_SUITES,
                "Functions",
                ValueType.REG_MULTI_SZ,
                SUITES,
                before=ABSENT,
                needs_restart=True,
            ),
        ),
        PlanStep(
            "SCH002",
            RunCommand(
                f"Enable-TlsCipherSuite -Name {SUITES[0]} -Position 0",
                Shell.POWERSHELL,
                undo=f"Disable-TlsCipherSuite -Name {SUITES[0]}",
                needs_admin=True,
                safety=Safety.SAFE,
            ),
        ),
        PlanStep("OS002", ManualStep("Upgrade the PC to a supported Windows 11 release.")),
    ]
    return Plan(tuple(steps), after=("Restart Windows.", "Sign in to OneDrive again."))
