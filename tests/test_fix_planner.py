"""The fix planner (issue 12 point 1): findings -> one ordered plan of typed changes, pure.

Every fixture bundle is planned for real (real .reg files, real checks), with and without
``--legacy-tls``, and the plan is held to the safety invariants.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.bundle import open_bundle
from onedrive_doctor.checks import run_checks
from onedrive_doctor.evidence import Evidence, build_evidence
from onedrive_doctor.fixes import ManualStep, Plan, RunCommand, SetValue
from onedrive_doctor.fixes.changes import ABSENT, DeleteValue
from onedrive_doctor.fixes.planner import POLICY_LIMIT, plan_fixes, unsafe_steps
from test_findings_snapshot import DSREGCMD, WINDOWS
from winbundles import WIN10_22H2, WIN10_HOTFIXES, bundle, default_registry

_WEAK = re.compile(r"RC4|3DES|_DES_|NULL|EXPORT|anon|SSL ?[23]\.0", re.IGNORECASE)


def _fixtures() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    found = dict(WINDOWS)
    for sample in sorted(DSREGCMD.glob("*.txt")):
        found[f"dsregcmd-{sample.stem}"] = (
            default_registry(WIN10_22H2),
            {"dsregcmd_txt": sample.read_bytes(), "hotfixes_txt": WIN10_HOTFIXES},
        )
    return found


FIXTURES = _fixtures()


def _evidence(tmp_path: Path, name: str) -> Evidence:
    registry, files = FIXTURES[name]
    return build_evidence(open_bundle(bundle(tmp_path / name, registry, **files)))


def _plan(tmp_path: Path, name: str, legacy_tls: bool = False) -> tuple[Plan, Evidence]:
    evidence = _evidence(tmp_path, name)
    return plan_fixes(run_checks(evidence), evidence, legacy_tls=legacy_tls), evidence


@pytest.mark.parametrize("legacy_tls", [False, True])
@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_no_plan_weakens_tls(tmp_path: Path, name: str, legacy_tls: bool) -> None:
    plan, evidence = _plan(tmp_path, name, legacy_tls)
    assert unsafe_steps(plan, evidence) == []
    for step in plan.steps:
        change = step.change
        if isinstance(change, SetValue):
            assert not change.key.upper().startswith("SOFTWARE\\POLICIES\\")
            if change.name in ("DefaultSecureProtocols", "SecureProtocols"):
                assert isinstance(change.after, int)
                assert change.after & 0x800, "TLS 1.2 is always in the mask"
                assert not change.after & 0x28, "never SSL 2.0 / 3.0"
                before = change.before if isinstance(change.before, int) else 0
                if not legacy_tls:
                    # TLS 1.0 / 1.1 stay only where they were in force: never newly ticked.
                    effective = (
                        evidence.profile.value.wininet
                        if change.name == "SecureProtocols"
                        else 0xFFFF
                    )  # type: ignore[union-attr]
                    assert change.after & 0x280 & ~(before | effective) == 0
            if "\\PROTOCOLS\\TLS 1.2" in change.key.upper():
                assert (change.name, change.after) in (("Enabled", 1), ("DisabledByDefault", 0))
            if change.name == "Functions":
                assert isinstance(change.after, tuple)
                assert not [n for n in change.after if _WEAK.search(n)]
        elif isinstance(change, DeleteValue):
            assert "\\PROTOCOLS\\TLS 1.2" not in change.key.upper()
        elif isinstance(change, RunCommand):
            assert not change.command.startswith("Disable-Tls")
            assert not _WEAK.search(change.command)
        else:
            assert isinstance(change, ManualStep)
            assert "tick SSL" not in change.text


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_every_failing_check_is_planned_or_skipped_with_a_reason(tmp_path: Path, name: str) -> None:
    evidence = _evidence(tmp_path, name)
    findings = run_checks(evidence)
    plan = plan_fixes(findings, evidence)
    failing = {f.id for f in findings if f.status.value == "fail"}
    planned = {s.check_id for s in plan.steps} | {a for s in plan.steps for a in s.also}
    skipped = {s.check_id for s in plan.skipped}
    assert failing == planned | skipped
    assert all(s.reason for s in plan.skipped)
    assert Plan.from_json(plan.to_json()) == plan
    if plan.steps:
        assert plan.after[-1] == "Then sign in to OneDrive again."


def test_windows7_gets_tls12_in_schannel_and_winhttp_and_no_local_fix_for_the_suites(
    tmp_path: Path,
) -> None:
    plan, _ = _plan(tmp_path, "win7-defaults")
    writes = [(s.check_id, s.change) for s in plan.steps if isinstance(s.change, SetValue)]
    assert [(c, w.name, w.after, w.before) for c, w in writes] == [
        ("SCH001", "Enabled", 1, ABSENT),
        ("SCH001", "DisabledByDefault", 0, ABSENT),
        # Windows 7's WinHTTP default is SSL 3.0 + TLS 1.0 (0xA0): TLS 1.2 added, SSL 3.0 gone.
        ("WHT001", "DefaultSecureProtocols", 0x880, ABSENT),
        ("WHT001", "DefaultSecureProtocols", 0x880, ABSENT),
    ]
    assert "WOW6432Node" in writes[3][1].key
    manual = [s for s in plan.steps if isinstance(s.change, ManualStep)]
    assert [s.check_id for s in manual] == ["WHT002"]
    assert manual[0].change.link is not None and "KB3140245" in manual[0].change.text
    assert {s.check_id: s.reason for s in plan.skipped}["OS001"].startswith("no local fix exists")
    assert plan.after[0].startswith("Restart Windows")


def test_internet_options_gain_tls12_and_legacy_tls_only_when_asked(tmp_path: Path) -> None:
    plain, _ = _plan(tmp_path / "a", "win10-tls12-off")
    legacy, _ = _plan(tmp_path / "b", "win10-tls12-off", legacy_tls=True)

    def secure(plan: Plan) -> SetValue:
        return next(
            s.change
            for s in plan.steps
            if isinstance(s.change, SetValue) and s.change.name == "SecureProtocols"
        )

    # HKCU had 0xA0 (SSL 3.0 + TLS 1.0): TLS 1.2 added, SSL 3.0 dropped, TLS 1.0 kept.
    assert (secure(plain).before, secure(plain).after) == (0xA0, 0x880)
    assert secure(legacy).after == 0xA80
    step = next(s for s in plain.steps if s.change == secure(plain))
    assert (step.runs_as, step.hive and step.hive.value) == ("user", "HKCU")


def test_a_change_two_checks_share_is_planned_once(tmp_path: Path) -> None:
    plan, _ = _plan(tmp_path, "win10-ecdh-off")
    deletes = [s for s in plan.steps if isinstance(s.change, DeleteValue)]
    assert [(s.check_id, s.also, s.change.name, s.change.before) for s in deletes] == [
        ("SCH002", ("SCH005",), "Enabled", 0)
    ]


def test_a_group_policy_list_is_a_manual_step_with_the_list_to_paste(tmp_path: Path) -> None:
    plan, _ = _plan(tmp_path, "win10-cbc-policy")
    assert all(isinstance(s.change, ManualStep) for s in plan.steps)
    texts = [s.change.text for s in plan.steps if isinstance(s.change, ManualStep)]
    listed = texts[0].rsplit(": ", 1)[1]
    assert listed.startswith(
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
    )
    assert len(listed) <= POLICY_LIMIT and " " not in listed
    assert "gpresult /h report.html" in texts[1]


def test_leave_and_join_only_when_a_domain_controller_answers(tmp_path: Path) -> None:
    name = "dsregcmd-dsregcmd_domain_joined_scp_missing_ws2022_elevated"
    evidence = _evidence(tmp_path, name)
    findings = run_checks(evidence)
    idn004 = next(f for f in findings if f.id == "IDN004")
    plan = plan_fixes(findings, evidence)
    steps = [s.change for s in plan.steps if s.check_id == "IDN001"]
    assert isinstance(steps[0], ManualStep) and steps[0].text.startswith("Restart the PC")
    commands = [c.command for c in steps if isinstance(c, RunCommand)]
    if idn004.status.value == "pass":
        assert commands == ["dsregcmd /leave", "dsregcmd /join"]
    else:
        assert commands == []
        assert "Do not run `dsregcmd /leave` now" in steps[-1].text  # type: ignore[union-attr]
    import dataclasses

    from onedrive_doctor.model import Status

    off = [dataclasses.replace(f, status=Status.FAIL) if f.id == "IDN004" else f for f in findings]
    gated = plan_fixes(off, evidence)
    assert not [s for s in gated.steps if isinstance(s.change, RunCommand)]


def test_the_invariants_catch_a_plan_that_would_weaken_tls() -> None:
    from onedrive_doctor.fixes import Hive, PlanStep, Shell, ValueType

    protocols = r"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols"
    bad = Plan(
        (
            PlanStep(
                "X",
                SetValue(
                    Hive.HKLM, rf"{protocols}\SSL 3.0\Client", "Enabled", ValueType.REG_DWORD, 1
                ),
            ),
            PlanStep(
                "X",
                SetValue(
                    Hive.HKLM, rf"{protocols}\TLS 1.2\Client", "Enabled", ValueType.REG_DWORD, 0
                ),
            ),
            PlanStep("X", DeleteValue(Hive.HKLM, rf"{protocols}\TLS 1.2\Client", "Enabled")),
            PlanStep(
                "X",
                SetValue(Hive.HKCU, r"Software\X", "SecureProtocols", ValueType.REG_DWORD, 0xA8),
            ),
            PlanStep(
                "X",
                SetValue(
                    Hive.HKLM,
                    r"SYSTEM\X",
                    "Functions",
                    ValueType.REG_MULTI_SZ,
                    ("TLS_RSA_WITH_RC4_128_SHA",),
                ),
            ),
            PlanStep(
                "X",
                RunCommand(
                    "Enable-TlsCipherSuite -Name TLS_RSA_WITH_3DES_EDE_CBC_SHA -Position 0",
                    Shell.POWERSHELL,
                    undo="x",
                ),
            ),
            PlanStep(
                "X",
                RunCommand(
                    "Disable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    Shell.POWERSHELL,
                    undo="x",
                ),
            ),
        )
    )
    problems = unsafe_steps(bad)
    assert [p.split(" ", 3)[3] for p in problems] == [
        "switches SSL 3.0 on",
        "switches TLS 1.2 off",
        "deletes a TLS 1.2 value",
        "ticks SSL 2.0 / 3.0",
        "leaves TLS 1.2 out",
        "lists weak or unknown suites: TLS_RSA_WITH_RC4_128_SHA",
        "enables a weak suite: TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        "disables a suite or protocol: Disable-TlsCipherSuite -Name "
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    ]


def test_before_windows_10_the_afd_suites_go_on_top_of_the_local_list(tmp_path: Path) -> None:
    from fixbundles import fixable_bundle

    root = fixable_bundle(tmp_path, "SCH002/local-list")
    evidence = build_evidence(open_bundle(root))
    plan = plan_fixes(run_checks(evidence), evidence)
    write = next(s.change for s in plan.steps if s.check_id == "SCH002")
    assert isinstance(write, SetValue) and write.name == "Functions"
    assert write.key.endswith(r"Configuration\Local\SSL\00010002")
    assert write.value_type.value == "REG_MULTI_SZ" and write.needs_restart
    assert write.after[:4] == (
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384",
    )
    # What the list held stays after them, minus 3DES: a plan never lists a weak suite.
    assert write.after[4:] == (
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256",
    )
    assert write.before == (
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256",
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    )


def test_the_onedrive_reset_moves_the_identity_caches_aside_never_deletes(
    tmp_path: Path,
) -> None:
    from fixbundles import ALICE_TRIGGER, ONEDRIVE_HKCU
    from winbundles import WIN11_24H2

    registry = {
        **default_registry(WIN11_24H2),
        "onedrive-hkcu": ONEDRIVE_HKCU + "\n" + ALICE_TRIGGER,
    }
    evidence = build_evidence(open_bundle(bundle(tmp_path / "b", registry)))
    findings = run_checks(evidence)
    assert {f.id for f in findings if f.status.value == "fail"} >= {"ODC002"}
    plan = plan_fixes(findings, evidence)
    commands = [s.change for s in plan.steps if isinstance(s.change, RunCommand)]
    moves = [c for c in commands if "Rename-Item" in c.command]
    assert [c.command for c in moves] == [
        'if (Test-Path -LiteralPath "$env:LOCALAPPDATA\\Microsoft\\IdentityCache") { Rename-Item '
        '-LiteralPath "$env:LOCALAPPDATA\\Microsoft\\IdentityCache" -NewName '
        '"IdentityCache.onedrive-doctor-aside" }',
        'if (Test-Path -LiteralPath "$env:LOCALAPPDATA\\Microsoft\\OneAuth") { Rename-Item '
        '-LiteralPath "$env:LOCALAPPDATA\\Microsoft\\OneAuth" -NewName '
        '"OneAuth.onedrive-doctor-aside" }',
    ]
    assert all(c.undo and "Rename-Item" in c.undo and not c.needs_admin for c in moves)
    assert not any(re.search(r"\b(del|rmdir|rd|Remove-Item)\b", c.command) for c in commands)
    assert any("/reset" in c.command for c in commands)


def test_live_apply_refuses_without_admin_rights_before_changing_anything(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from onedrive_doctor._cli import _fix

    plan, _ = _plan(tmp_path, "win10-tls12-off")
    monkeypatch.setattr(_fix, "_is_admin", lambda: False)
    assert _fix._rights_problem(plan, include_confirm=False) is None  # only the HKCU step
    refusal = _fix._rights_problem(plan, include_confirm=True)
    assert refusal is not None and refusal.startswith("steps of SCH001 change HKLM")
    monkeypatch.setattr(_fix, "_is_admin", lambda: True)
    assert _fix._rights_problem(plan, include_confirm=True) is None


def test_on_windows_10_the_suite_goes_on_top_with_the_cmdlet_and_back_on_undo(
    tmp_path: Path,
) -> None:
    from fixbundles import LOCAL_SSL
    from winbundles import CBC_ONLY, multi_sz

    order = (*CBC_ONLY[:3], "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
    registry = default_registry(WIN10_22H2)
    registry["ssl-local"] = LOCAL_SSL + "\n" + multi_sz("Functions", order)
    evidence = build_evidence(
        open_bundle(bundle(tmp_path / "b", registry, hotfixes_txt=WIN10_HOTFIXES))
    )
    plan = plan_fixes(run_checks(evidence), evidence)
    steps = [s for s in plan.steps if s.check_id == "SCH003"]
    assert [(s.change.command, s.change.undo, s.needs_restart) for s in steps] == [  # type: ignore[union-attr]
        (
            "Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 -Position 0",
            "Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 -Position 3",
            False,
        )
    ]
    # Nothing in this plan needs a restart: the cmdlet takes effect at once.
    assert not plan.needs_restart and not plan.after[0].startswith("Restart")
