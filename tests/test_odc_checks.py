"""ODC001-ODC003: the OneDrive client, its reset, and OneAuthUnrecoverableTimestamp."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.bundle import open_bundle
from onedrive_doctor.checks import REGISTRY, run_check
from onedrive_doctor.evidence import Evidence, build_evidence
from regfiles import WINDOWS_MANIFEST, reg_bytes, write_bundle

DARWIN_MANIFEST = WINDOWS_MANIFEST.replace('"Windows"', '"Darwin"')
LINUX_MANIFEST = WINDOWS_MANIFEST.replace('"Windows"', '"Linux"')
HKCU = r"[HKEY_CURRENT_USER\Software\Microsoft\OneDrive]"
HKLM = r"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\OneDrive]"
ALICE_EXE = r"C:\Users\alice\AppData\Local\Microsoft\OneDrive\OneDrive.exe"
ALICE_TRIGGER = (
    r'"OneDriveTrigger"="C:\\Users\\alice\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe"'
)
BUSINESS1 = r"""[HKEY_CURRENT_USER\Software\Microsoft\OneDrive\Accounts\Business1]
"UserEmail"="alice@contoso.com"
"Business"=dword:00000001"""
ONEAUTH_DELETE = (
    r'reg delete "HKCU\Software\Microsoft\OneDrive" /v OneAuthUnrecoverableTimestamp /f'
)
MAC_LISTING = {
    "schema_version": 1,
    "platform": "macos",
    "installs": [
        {"path": "/Applications/OneDrive.app", "version": "24.226", "scope": "per-machine"}
    ],
    "app_path": "/Applications/OneDrive.app",
    "standalone": True,
}


def analyze(cli: Any, root: Path, files: dict[str, bytes | str]) -> dict[str, dict[str, Any]]:
    write_bundle(root, files)
    result = cli("analyze", str(root), "--format", "json")
    return {f["id"]: f for f in result.json()["findings"] if f["id"].startswith("ODC")}


def windows(*blocks: str) -> dict[str, bytes | str]:
    return {"manifest.json": WINDOWS_MANIFEST, "registry/onedrive.reg": reg_bytes(*blocks)}


# --- ODC001 onedrive-not-found --------------------------------------------------------------------


def test_odc001_passes_with_the_per_user_install_and_its_accounts(cli: Any, tmp_path: Path) -> None:
    odc = analyze(
        cli, tmp_path, windows(HKCU + '\n"Version"="24.070.0407.0003"\n' + ALICE_TRIGGER, BUSINESS1)
    )
    finding = odc["ODC001"]
    assert (finding["id"], finding["status"], finding["severity"]) == ("ODC001", "pass", None)
    assert finding["message"] == (
        f"OneDrive is installed: per-user {ALICE_EXE}, version 24.070.0407.0003 "
        r"(from HKCU\Software\Microsoft\OneDrive OneDriveTrigger). "
        "Accounts: Business1 alice@contoso.com."
    )
    assert finding["evidence"]["accounts"][0]["email"] == "alice@contoso.com"


def test_odc001_passes_on_a_per_machine_version_and_says_the_path_is_expected(
    cli: Any, tmp_path: Path
) -> None:
    odc = analyze(cli, tmp_path, windows(HKLM + '\n"Version"="25.1"'))
    assert odc["ODC001"]["status"] == "pass"
    assert odc["ODC001"]["message"] == (
        r"OneDrive is installed: per-machine expected at C:\Program Files\Microsoft OneDrive"
        r"\OneDrive.exe, version 25.1 (from HKLM\SOFTWARE\Microsoft\OneDrive Version)."
    )


def test_odc001_fails_when_the_onedrive_keys_show_no_client(cli: Any, tmp_path: Path) -> None:
    odc = analyze(cli, tmp_path, windows(HKCU + '\n"ClientEverSignedIn"=dword:00000001', HKLM))
    finding = odc["ODC001"]
    assert (finding["status"], finding["severity"]) == ("fail", "warning")
    assert finding["message"] == (
        r"No OneDrive client is installed: the registry shows none (HKCU\Software\Microsoft"
        r"\OneDrive has no OneDriveTrigger or Version; HKLM\SOFTWARE\Microsoft\OneDrive has no "
        "Version)."
    )
    assert finding["fix"]["title"] == "Install the OneDrive sync app, start it and sign in"
    assert finding["fix"]["safety"] == "manual"
    assert any("OneDriveSetup.exe /allusers" in step for step in finding["fix"]["steps"])


def test_odc001_is_unknown_without_onedrive_evidence(cli: Any, tmp_path: Path) -> None:
    other = (
        r"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion]"
        + '\n"UBR"=dword:00000001'
    )
    odc = analyze(cli, tmp_path, windows(other))
    for check_id in ("ODC001", "ODC002"):
        finding = odc[check_id]
        assert (finding["status"], finding["severity"]) == ("unknown", None), check_id
        assert finding["message"].startswith(
            "no Windows evidence in this bundle about the OneDrive client: neither onedrive.json "
            r"nor an export of HKCU\Software\Microsoft\OneDrive"
        )


def test_odc_checks_are_unknown_on_a_windows_bundle_without_files(cli: Any, tmp_path: Path) -> None:
    odc = analyze(cli, tmp_path, {"manifest.json": WINDOWS_MANIFEST})
    assert {k: f["status"] for k, f in odc.items()} == dict.fromkeys(odc, "unknown")
    assert odc["ODC003"]["message"] == (
        r"no Windows evidence in this bundle (needs registry/, HKCU\Software\Microsoft\OneDrive)"
    )


def test_odc_checks_do_not_apply_to_a_bundle_from_linux(cli: Any, tmp_path: Path) -> None:
    odc = analyze(cli, tmp_path, {"manifest.json": LINUX_MANIFEST})
    assert {k: f["status"] for k, f in odc.items()} == dict.fromkeys(odc, "not_applicable")


def test_unreadable_registry_export_is_reported(cli: Any, tmp_path: Path) -> None:
    odc = analyze(
        cli,
        tmp_path,
        {"manifest.json": WINDOWS_MANIFEST, "registry/onedrive-hkcu.reg": "not a reg file"},
    )
    assert odc["ODC001"]["status"] == "unknown"
    assert odc["ODC001"]["message"].startswith("unreadable evidence: registry/onedrive-hkcu.reg")
    assert odc["ODC003"]["message"].startswith("unreadable evidence: registry/onedrive-hkcu.reg")


# --- ODC002 onedrive-reset-advised ----------------------------------------------------------------


def test_odc002_advises_the_reset_command_of_the_install_found(cli: Any, tmp_path: Path) -> None:
    odc = analyze(cli, tmp_path, windows(HKCU + '\n"Version"="24.2"\n' + ALICE_TRIGGER))
    finding = odc["ODC002"]
    assert (finding["id"], finding["status"], finding["severity"]) == ("ODC002", "fail", "info")
    assert finding["message"] == (
        "If sign-in still fails once the other findings are fixed, reset OneDrive (the "
        f'article\'s last step): run "{ALICE_EXE}" /reset (per-user install, version 24.2).'
    )
    fix = finding["fix"]
    assert fix["title"] == f'Reset OneDrive: "{ALICE_EXE}" /reset'
    assert fix["safety"] == "needs-confirmation"
    assert (fix["needs_admin"], fix["needs_restart"]) == (False, False)
    assert fix["steps"][0].startswith(f'Press Windows+R, enter `"{ALICE_EXE}" /reset`')
    assert finding["evidence"]["commands"] == [f'"{ALICE_EXE}" /reset', f'"{ALICE_EXE}"']


def test_odc002_for_an_assumed_per_machine_path_names_the_other_locations(
    cli: Any, tmp_path: Path
) -> None:
    odc = analyze(
        cli,
        tmp_path,
        windows(
            r"[HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\Microsoft\OneDrive]" + '\n"Version"="22.1"'
        ),
    )
    finding = odc["ODC002"]
    exe = r"C:\Program Files (x86)\Microsoft OneDrive\OneDrive.exe"
    assert finding["message"].endswith(
        f'run "{exe}" /reset (per-machine install, version 22.1, path assumed from '
        r"HKLM\SOFTWARE\WOW6432Node\Microsoft\OneDrive Version)."
    )
    assert "If Windows cannot find that file" in finding["fix"]["steps"][1]


def test_odc002_does_not_apply_when_no_client_is_installed(cli: Any, tmp_path: Path) -> None:
    odc = analyze(cli, tmp_path, windows(HKCU))
    assert odc["ODC001"]["status"] == "fail"
    assert odc["ODC002"]["status"] == "not_applicable"
    assert odc["ODC002"]["message"] == "no OneDrive client was found (ODC001): nothing to reset"


# --- ODC003 oneauth-unrecoverable -----------------------------------------------------------------


def test_odc003_fails_on_oneauth_unrecoverable_timestamp(cli: Any, tmp_path: Path) -> None:
    odc = analyze(
        cli,
        tmp_path,
        windows(
            HKCU
            + '\n"OneAuthUnrecoverableTimestamp"=hex(b):00,6c,ee,3c,00,00,00,00\n'
            + ALICE_TRIGGER
        ),
    )
    finding = odc["ODC003"]
    assert (finding["id"], finding["status"], finding["severity"]) == ("ODC003", "fail", "error")
    assert finding["message"] == (
        "OneDrive has marked its OneAuth sign-in state unrecoverable: "
        "OneAuthUnrecoverableTimestamp = 1022258176 (REG_QWORD) at "
        r"HKCU\Software\Microsoft\OneDrive; while it is there OneDrive does not use OneAuth and "
        "sign-in keeps failing."
    )
    fix = finding["fix"]
    assert fix["title"] == (
        r"Delete OneAuthUnrecoverableTimestamp from HKCU\Software\Microsoft\OneDrive, "
        "then restart OneDrive"
    )
    assert fix["safety"] == "needs-confirmation"
    assert fix["needs_admin"] is False
    assert fix["steps"] == [
        "Quit OneDrive: select the OneDrive cloud icon in the notification area, then "
        "Help & Settings > Quit OneDrive.",
        f"In a Command Prompt (not as administrator) run: {ONEAUTH_DELETE}",
        f'Start OneDrive again (`"{ALICE_EXE}"`) and sign in.',
    ]


def test_odc003_shows_a_string_timestamp_as_exported(cli: Any, tmp_path: Path) -> None:
    odc = analyze(cli, tmp_path, windows(HKCU + '\n"OneAuthUnrecoverableTimestamp"="133500000"'))
    assert odc["ODC003"]["status"] == "fail"
    assert "OneAuthUnrecoverableTimestamp = 133500000 (REG_SZ)" in odc["ODC003"]["message"]
    assert odc["ODC003"]["fix"]["steps"][2] == (
        "Start OneDrive again from the Start menu and sign in."
    )


def test_odc003_passes_when_the_key_is_exported_without_the_value(cli: Any, tmp_path: Path) -> None:
    odc = analyze(cli, tmp_path, windows(HKCU + '\n"Version"="24.2"'))
    finding = odc["ODC003"]
    assert (finding["status"], finding["severity"]) == ("pass", None)
    assert finding["message"] == (
        r"HKCU\Software\Microsoft\OneDrive has no OneAuthUnrecoverableTimestamp value."
    )


def test_odc003_is_unknown_when_only_a_subkey_was_exported(cli: Any, tmp_path: Path) -> None:
    odc = analyze(cli, tmp_path, windows(BUSINESS1))
    assert odc["ODC003"]["status"] == "unknown"
    assert odc["ODC003"]["message"] == (
        r"the registry export lacks HKCU\Software\Microsoft\OneDrive (needs registry/)"
    )


# --- macOS ----------------------------------------------------------------------------------------


def test_macos_bundle_without_onedrive_json(cli: Any, tmp_path: Path) -> None:
    odc = analyze(cli, tmp_path, {"manifest.json": DARWIN_MANIFEST})
    assert odc["ODC001"]["status"] == "unknown"
    assert odc["ODC001"]["message"] == (
        "no onedrive.json in this bundle: on macOS it is the only evidence of the OneDrive app "
        "(collect writes it)"
    )
    assert odc["ODC002"]["status"] == "unknown"
    assert odc["ODC003"]["status"] == "not_applicable"
    assert odc["ODC003"]["message"] == (
        r"a Windows registry value (HKCU\Software\Microsoft\OneDrive); this bundle comes from macOS"
    )


# --- onedrive.json, judged through the checks -----------------------------------------------------
# Evidence carries the parsed onedrive.json as ``onedrive`` once evidence.py loads it; until then
# these tests give it to the checks through a subclass, and the end-to-end ones are skipped.

LOADS_ONEDRIVE_JSON = "onedrive" in {f.name for f in fields(Evidence)}


@dataclass(frozen=True)
class _WithListing(Evidence):
    onedrive: Any = None


def findings(root: Path, files: dict[str, bytes | str], listing: Any) -> dict[str, Any]:
    write_bundle(root, files)
    base = build_evidence(open_bundle(root))
    copied = {f.name: getattr(base, f.name) for f in fields(Evidence) if f.name != "onedrive"}
    ev = _WithListing(**copied, onedrive=listing)
    return {cid: run_check(REGISTRY[cid], ev) for cid in ("ODC001", "ODC002", "ODC003")}


def test_macos_listing_finds_the_standalone_app_and_its_reset_script(tmp_path: Path) -> None:
    odc = findings(tmp_path, {"manifest.json": DARWIN_MANIFEST}, MAC_LISTING)
    assert odc["ODC001"].status.value == "pass"
    assert odc["ODC001"].message == (
        "OneDrive is installed: standalone /Applications/OneDrive.app, version 24.226 "
        "(from onedrive.json)."
    )
    reset = odc["ODC002"]
    assert (reset.status.value, reset.severity and reset.severity.value) == ("fail", "info")
    script = "/Applications/OneDrive.app/Contents/Resources/ResetOneDriveAppStandalone.command"
    assert reset.message.endswith(f"run {script} (standalone app, version 24.226).")
    assert reset.fix is not None and reset.fix.title == f"Reset OneDrive: {script}"
    assert reset.fix.steps[0].startswith("Quit OneDrive")
    assert odc["ODC003"].status.value == "not_applicable"


def test_macos_listing_without_the_app_fails_odc001(tmp_path: Path) -> None:
    listing = {"schema_version": 1, "platform": "macos", "installs": []}
    odc = findings(tmp_path, {"manifest.json": DARWIN_MANIFEST}, listing)
    finding = odc["ODC001"]
    assert (finding.status.value, finding.severity and finding.severity.value) == (
        "fail",
        "warning",
    )
    assert finding.message == (
        "No OneDrive app is installed: onedrive.json lists no OneDrive.app in /Applications or "
        "~/Applications."
    )
    assert (
        finding.fix is not None
        and finding.fix.title == "Install OneDrive for Mac, start it and sign in"
    )
    assert odc["ODC002"].status.value == "not_applicable"


def test_windows_listing_without_installs_outranks_registry_leftovers(tmp_path: Path) -> None:
    listing = {"schema_version": 1, "platform": "windows", "installs": []}
    odc = findings(tmp_path, windows(HKCU + '\n"Version"="24.2"\n' + ALICE_TRIGGER), listing)
    finding = odc["ODC001"]
    assert finding.status.value == "fail"
    assert finding.message == (
        r"No OneDrive client is installed: OneDrive.exe is in none of its three locations "
        r"(%LOCALAPPDATA%\Microsoft\OneDrive\OneDrive.exe, C:\Program Files\Microsoft OneDrive"
        r"\OneDrive.exe, C:\Program Files (x86)\Microsoft OneDrive\OneDrive.exe), per "
        r"onedrive.json; HKCU\Software\Microsoft\OneDrive OneDriveTrigger still names "
        f"{ALICE_EXE}, a leftover of a removed client."
    )


def test_windows_listing_picks_the_install_onedrivetrigger_names(tmp_path: Path) -> None:
    machine = r"C:\Program Files\Microsoft OneDrive\OneDrive.exe"
    listing = {
        "platform": "windows",
        "installs": [
            {"path": ALICE_EXE, "version": "24.1", "scope": "per-user"},
            {"path": machine, "version": "25.1", "scope": "per-machine"},
        ],
    }
    trigger = '"OneDriveTrigger"="C:\\\\Program Files\\\\Microsoft OneDrive\\\\OneDrive.exe"'
    odc = findings(tmp_path, windows(HKCU + "\n" + trigger), listing)
    reset = odc["ODC002"]
    assert reset.fix is not None and reset.fix.title == f'Reset OneDrive: "{machine}" /reset'
    assert reset.message.endswith(f"Also installed: per-user {ALICE_EXE}, version 24.1.")


def test_malformed_listing_falls_back_to_the_registry(tmp_path: Path) -> None:
    odc = findings(tmp_path, {"manifest.json": WINDOWS_MANIFEST}, {"installs": "none"})
    assert odc["ODC001"].status.value == "unknown"
    assert odc["ODC001"].message == "unreadable evidence: onedrive.json: 'installs' must be a list"


@pytest.mark.skipif(not LOADS_ONEDRIVE_JSON, reason="evidence.py does not load onedrive.json yet")
def test_macos_bundle_with_onedrive_json_end_to_end(cli: Any, tmp_path: Path) -> None:
    odc = analyze(
        cli,
        tmp_path,
        {"manifest.json": DARWIN_MANIFEST, "onedrive.json": json.dumps(MAC_LISTING)},
    )
    assert [odc[c]["status"] for c in ("ODC001", "ODC002", "ODC003")] == [
        "pass",
        "fail",
        "not_applicable",
    ]
    assert odc["ODC002"]["severity"] == "info"


@pytest.mark.skipif(not LOADS_ONEDRIVE_JSON, reason="evidence.py does not load onedrive.json yet")
def test_windows_bundle_with_onedrive_json_end_to_end(cli: Any, tmp_path: Path) -> None:
    listing = {"platform": "windows", "installs": [{"path": ALICE_EXE, "scope": "per-user"}]}
    odc = analyze(
        cli,
        tmp_path,
        {"manifest.json": WINDOWS_MANIFEST, "onedrive.json": json.dumps(listing)},
    )
    assert odc["ODC001"]["status"] == "pass"
    assert odc["ODC002"]["fix"]["title"] == f'Reset OneDrive: "{ALICE_EXE}" /reset'
    assert odc["ODC003"]["status"] == "unknown"


def test_odc002_waits_while_another_check_explains_the_error(cli: Any, tmp_path: Path) -> None:
    # Given an installed OneDrive and a PC that is offline (NET001 fails with severity error)
    probes = (
        '{"attempts": [{"probe": "ncsi", "target": "http://x/", "status": "failed", '
        '"error": "refused"}, {"probe": "dns", "target": "login.microsoftonline.com", '
        '"status": "failed", "error": "NXDOMAIN", "result": {"rcode": "NXDOMAIN"}}]}'
    )
    files = windows(HKCU + '\n"Version"="24.2"\n' + ALICE_TRIGGER)
    files["probes.json"] = probes
    finding = analyze(cli, tmp_path, files)["ODC002"]
    # Then the reset is not advised yet: the connectivity failure explains the error
    assert (finding["id"], finding["status"], finding["severity"]) == ("ODC002", "pass", None)
    assert finding["message"].startswith("Not yet: NET001")
    assert "NET001" in finding["evidence"]["explained_by"]
