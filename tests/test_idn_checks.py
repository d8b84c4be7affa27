"""IDN001-IDN005: device identity, from dsregcmd.txt and nltest.txt bundles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.checks import REGISTRY
from regfiles import WINDOWS_MANIFEST, write_bundle

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dsregcmd"
IDS = ("IDN001", "IDN002", "IDN003", "IDN004", "IDN005")
BORDER = "+" + "-" * 70 + "+"

NLTEST_DC = r"""           DC: \\DC01.contoso.com
      Address: \\10.0.1.2
     Dom Guid: 6e4cbe68-588b-499c-8c04-dcfff140a1ca
     Dom Name: contoso.com
  Forest Name: contoso.com
 Dc Site Name: Default-First-Site-Name
Our Site Name: Default-First-Site-Name
        Flags: PDC GC DS LDAP KDC TIMESERV WRITABLE DNS_DC DNS_DOMAIN DNS_FOREST CLOSE_SITE
The command completed successfully
"""
NLTEST_NO_DC = "Getting DC name failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN\n"


def section(name: str, *pairs: tuple[str, str]) -> str:
    """A section as dsregcmd prints it: keys right-aligned at column 27."""
    body = [f"{key:>26} : {value}" for key, value in pairs]
    return "\n".join([BORDER, f"| {name:<69}|", BORDER, "", *body, "", ""])


def dsregcmd(
    aad: str = "YES",
    domain: str = "YES",
    *,
    details: tuple[tuple[str, str], ...] = (("DeviceAuthStatus", "SUCCESS"),),
    sso: tuple[tuple[str, str], ...] | None = (("AzureAdPrt", "YES"),),
    diagnostics: tuple[tuple[str, str], ...] = (),
) -> str:
    device = [("AzureAdJoined", aad), ("EnterpriseJoined", "NO"), ("DomainJoined", domain)]
    if domain == "YES":
        device.append(("DomainName", "CONTOSO"))
    text = section("Device State", *device)
    if aad == "YES":
        text += section(
            "Device Details", ("DeviceId", "00aa00aa-bb11-cc22-dd33-44ee44ee44ee"), *details
        )
    text += section("User State", ("NgcSet", "NO"), ("WorkplaceJoined", "NO"))
    if sso is not None:
        text += section("SSO State", *sso)
    if diagnostics:
        text += section("Diagnostic Data", *diagnostics)
    return text + "For more information, please visit https://www.microsoft.com/aadjerrors\n"


PENDING_DIAGNOSTICS = (
    ("Diagnostics Reference", "www.microsoft.com/aadjerrors"),
    ("User Context", "SYSTEM"),
    ("Client Time", "2026-11-20 09:00:00.000 UTC"),
    ("AD Connectivity Test", "PASS"),
    ("AD Configuration Test", "PASS"),
    ("DRS Discovery Test", "FAIL [0x801c0021/0x80072ee2]"),
    ("DRS Connectivity Test", "SKIPPED"),
    ("Token acquisition Test", "SKIPPED"),
    ("Fallback to Sync-Join", "ENABLED"),
)
PASSING_DIAGNOSTICS = (
    ("User Context", "SYSTEM"),
    ("AD Connectivity Test", "PASS"),
    ("AD Configuration Test", "PASS"),
    ("DRS Discovery Test", "PASS"),
    ("DRS Connectivity Test", "PASS"),
    ("Token acquisition Test", "PASS"),
)
HYBRID_PENDING = dsregcmd(aad="NO", sso=(("AzureAdPrt", "NO"),))


def analyze(cli: Any, root: Path, files: dict[str, bytes | str]) -> dict[str, dict[str, Any]]:
    write_bundle(root, {"manifest.json": WINDOWS_MANIFEST, **files})
    result = cli("analyze", str(root), "--format", "json")
    findings = result.json()["findings"]
    return {f["id"]: f for f in findings if f["id"] in IDS}


def assert_finding(finding: dict[str, Any], check_id: str, status: str, severity: str | None):
    assert (finding["id"], finding["status"], finding["severity"]) == (check_id, status, severity)


def fix_text(finding: dict[str, Any]) -> str:
    fix = finding["fix"]
    return " ".join([fix["title"], *fix["steps"]])


def test_the_five_checks_are_registered_with_their_catalogue_names_and_severities():
    got = {i: (REGISTRY[i].name, REGISTRY[i].severity.value) for i in IDS}
    assert got == {
        "IDN001": ("hybrid-join-pending", "error"),
        "IDN002": ("device-auth-failed", "error"),
        "IDN003": ("prt-missing", "error"),
        "IDN004": ("off-org-network", "warning"),
        "IDN005": ("device-registration-unreachable", "error"),
    }


# --- evidence missing, unreadable, or from another OS ---------------------------------------


def test_without_dsregcmd_txt_every_idn_check_is_unknown_and_says_what_it_needs(
    cli: Any, tmp_path: Path
):
    findings = analyze(cli, tmp_path, {})
    for check_id in IDS:
        assert_finding(findings[check_id], check_id, "unknown", None)
        assert findings[check_id]["message"] == (
            "no Windows evidence in this bundle (needs dsregcmd.txt)"
        )


def test_a_bundle_from_linux_makes_every_idn_check_not_applicable(cli: Any, tmp_path: Path):
    write_bundle(
        tmp_path,
        {"manifest.json": WINDOWS_MANIFEST.replace('"Windows"', '"Linux"')},
    )
    report = cli("analyze", str(tmp_path), "--format", "json").json()
    for finding in report["findings"]:
        if finding["id"] in IDS:
            assert finding["status"] == "not_applicable", finding


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            (FIXTURES / "dsregcmd_help_switches.txt").read_bytes(),
            "dsregcmd.txt: not dsregcmd /status output",
        ),
        (b"\x00\x01\x02\x03binary\x00\x00\x05" * 40, "dsregcmd.txt: not a text file"),
        ("Windows IP Configuration\n\n   Host Name . . . : PC01\n", "not dsregcmd /status"),
        (b"\xff\xfe" + "hello".encode("utf-16-le") + b"\x00", "truncated UTF-16"),
    ],
)
def test_a_mangled_or_foreign_file_named_dsregcmd_txt_gives_unknown_with_the_reason(
    cli: Any, tmp_path: Path, content: bytes | str, reason: str
):
    findings = analyze(cli, tmp_path, {"dsregcmd.txt": content})
    for check_id in IDS:
        assert_finding(findings[check_id], check_id, "unknown", None)
        assert findings[check_id]["message"].startswith("unreadable evidence: dsregcmd.txt: ")
        assert reason in findings[check_id]["message"]


# --- IDN001 hybrid-join-pending -------------------------------------------------------------


def test_idn001_fails_when_domain_joined_but_not_entra_joined(cli: Any, tmp_path: Path):
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": HYBRID_PENDING})["IDN001"]
    assert_finding(finding, "IDN001", "fail", "error")
    assert "DomainJoined : YES (domain CONTOSO) but AzureAdJoined : NO" in finding["message"]
    assert finding["evidence"]["DomainJoined"] == "YES"
    assert finding["fix"]["safety"] == "needs-confirmation"
    assert finding["fix"]["needs_admin"] and finding["fix"]["needs_restart"]


def test_idn001_passes_on_a_hybrid_joined_pc(cli: Any, tmp_path: Path):
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": dsregcmd()})["IDN001"]
    assert_finding(finding, "IDN001", "pass", None)
    assert (
        "DomainJoined : YES" in finding["message"] and "AzureAdJoined : YES" in finding["message"]
    )


def test_idn001_is_unknown_when_dsregcmd_does_not_show_domain_joined(cli: Any, tmp_path: Path):
    text = section("Device State", ("AzureAdJoined", "NO")) + section("SSO State")
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN001"]
    assert_finding(finding, "IDN001", "unknown", None)
    assert "DomainJoined" in finding["message"]


def test_idn001_does_not_apply_to_a_workgroup_pc(cli: Any, tmp_path: Path):
    text = dsregcmd(aad="NO", domain="NO")
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN001"]
    assert_finding(finding, "IDN001", "not_applicable", None)
    assert "not domain joined" in finding["message"].lower()
    assert "join steps do not apply" in finding["message"]


def test_hybrid_pending_pc_gets_the_leave_join_fix_only_when_a_dc_answers(cli: Any, tmp_path: Path):
    """Domain joined but not Entra joined: IDN001 fails, and the fix depends on nltest.txt."""
    on_network = analyze(
        cli, tmp_path / "dc", {"dsregcmd.txt": HYBRID_PENDING, "nltest.txt": NLTEST_DC}
    )
    idn001 = on_network["IDN001"]
    assert_finding(idn001, "IDN001", "fail", "error")
    assert "dsregcmd /leave" in fix_text(idn001) and "dsregcmd /join" in fix_text(idn001)
    assert "DC01.contoso.com" in fix_text(idn001)
    assert idn001["fix"]["safety"] == "needs-confirmation"
    assert_finding(on_network["IDN004"], "IDN004", "pass", None)

    off_network = analyze(
        cli, tmp_path / "nodc", {"dsregcmd.txt": HYBRID_PENDING, "nltest.txt": NLTEST_NO_DC}
    )
    idn001 = off_network["IDN001"]
    assert_finding(idn001, "IDN001", "fail", "error")
    fix = idn001["fix"]
    assert fix["title"].startswith("Connect to the organisation's network (office or VPN) first")
    assert "do not run dsregcmd /leave" in fix["title"]
    assert not any(step.startswith("Run `dsregcmd /leave`") for step in fix["steps"])
    assert "ERROR_NO_SUCH_DOMAIN" in fix_text(idn001)
    idn004 = off_network["IDN004"]
    assert_finding(idn004, "IDN004", "fail", "warning")
    assert "a dsregcmd /leave now would leave the device unjoined" in idn004["message"]

    no_nltest = analyze(cli, tmp_path / "none", {"dsregcmd.txt": HYBRID_PENDING})
    idn001 = no_nltest["IDN001"]
    assert "Only on the organisation's network" in fix_text(idn001)
    assert "`nltest /dsgetdc:CONTOSO`" in fix_text(idn001)
    assert_finding(no_nltest["IDN004"], "IDN004", "unknown", None)


def test_idn001_fix_puts_the_admin_first_when_the_scp_is_missing(cli: Any, tmp_path: Path):
    text = dsregcmd(
        aad="NO",
        sso=(("AzureAdPrt", "NO"),),
        diagnostics=(
            ("AD Connectivity Test", "PASS"),
            ("AD Configuration Test", "FAIL [0x80070002]"),
            ("Error Phase", "discover"),
            ("Client ErrorCode", "0x801c001d"),
        ),
    )
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text, "nltest.txt": NLTEST_DC})["IDN001"]
    assert "Client ErrorCode 0x801c001d" in finding["message"]
    assert "SCP" in finding["fix"]["steps"][0]


# --- IDN002 device-auth-failed --------------------------------------------------------------

DISABLED = (("DeviceAuthStatus", "FAILED. Device is either disabled or deleted"),)


def test_idn002_fails_on_a_disabled_or_deleted_hybrid_device_with_the_hybrid_fix(
    cli: Any, tmp_path: Path
):
    text = dsregcmd(details=DISABLED)
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text, "nltest.txt": NLTEST_DC})["IDN002"]
    assert_finding(finding, "IDN002", "fail", "error")
    assert "DeviceAuthStatus : FAILED. Device is either disabled or deleted" in finding["message"]
    assert "dsregcmd /debug /leave" in fix_text(finding)
    assert "forcerecovery" not in fix_text(finding)


def test_idn002_never_offers_a_hybrid_leave_on_an_entra_joined_only_device(
    cli: Any, tmp_path: Path
):
    text = dsregcmd(domain="NO", details=DISABLED)
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN002"]
    assert_finding(finding, "IDN002", "fail", "error")
    assert "dsregcmd /forcerecovery" in fix_text(finding)
    assert "/debug /leave" not in fix_text(finding)
    leave_steps = [s for s in finding["fix"]["steps"] if "dsregcmd /leave" in s]
    assert leave_steps == [
        "Do not run `dsregcmd /leave` here: this device is Microsoft Entra joined, not hybrid "
        "joined, and a leave removes its only join."
    ]


def test_idn002_fails_when_the_test_could_not_reach_entra_id(cli: Any, tmp_path: Path):
    text = dsregcmd(details=(("DeviceAuthStatus", "FAILED. ERROR"),))
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN002"]
    assert_finding(finding, "IDN002", "fail", "error")
    assert "could not run: DeviceAuthStatus : FAILED. ERROR" in finding["message"]
    assert "netsh winhttp show proxy" in fix_text(finding)


def test_idn002_fails_on_aadsts50155_in_the_last_prt_attempt(cli: Any, tmp_path: Path):
    text = dsregcmd(
        details=(),
        sso=(
            ("AzureAdPrt", "NO"),
            ("Attempt Status", "0xc000006d"),
            ("Server Error Code", "invalid_grant"),
            ("Server Error Description", "AADSTS50155: Device authentication failed."),
        ),
    )
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN002"]
    assert_finding(finding, "IDN002", "fail", "error")
    assert "AADSTS50155" in finding["message"]


def test_idn002_passes_on_device_auth_success(cli: Any, tmp_path: Path):
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": dsregcmd()})["IDN002"]
    assert_finding(finding, "IDN002", "pass", None)
    assert "DeviceAuthStatus : SUCCESS" in finding["message"]


def test_idn002_is_unknown_before_windows_10_21h1(cli: Any, tmp_path: Path):
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": dsregcmd(details=())})["IDN002"]
    assert_finding(finding, "IDN002", "unknown", None)
    assert "21H1" in finding["message"]


def test_idn002_warns_when_the_device_keys_are_marked_for_recovery(cli: Any, tmp_path: Path):
    text = dsregcmd(diagnostics=(("AadRecoveryEnabled", "YES"), ("KeySignTest", "PASSED")))
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN002"]
    assert_finding(finding, "IDN002", "fail", "warning")
    assert "AadRecoveryEnabled : YES" in finding["message"]


# --- IDN003 prt-missing ---------------------------------------------------------------------


def test_idn003_fails_without_a_prt_and_names_the_last_attempt(cli: Any, tmp_path: Path):
    text = dsregcmd(
        sso=(
            ("AzureAdPrt", "NO"),
            ("AcquirePrtDiagnostics", "PRESENT"),
            ("Attempt Status", "0xc000006d"),
            ("HTTP Error", "0x0"),
            ("Server Error Code", "invalid_grant"),
            ("Server Error Description", "AADSTS50126: Error validating credentials."),
        )
    )
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN003"]
    assert_finding(finding, "IDN003", "fail", "error")
    message = finding["message"]
    assert "AzureAdJoined : YES but AzureAdPrt : NO" in message
    assert "Attempt Status 0xc000006d (logon failure" in message
    assert "Server Error Code invalid_grant (AADSTS50126" in message
    assert "HTTP Error 0x0" in message
    text = fix_text(finding)
    assert "dsregcmd /refreshprt" in text and "sign out" in text
    assert "login.microsoftonline.com" in text and "AADSTS50126" in text


def test_idn003_passes_with_a_prt(cli: Any, tmp_path: Path):
    text = dsregcmd(sso=(("AzureAdPrt", "YES"), ("AzureAdPrtUpdateTime", "2026-11-20 09:00 UTC")))
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN003"]
    assert_finding(finding, "IDN003", "pass", None)
    assert "AzureAdPrt : YES (updated 2026-11-20 09:00 UTC)" in finding["message"]


def test_idn003_is_unknown_without_sso_state_and_says_the_run_was_system(cli: Any, tmp_path: Path):
    text = dsregcmd(sso=None, diagnostics=(("User Context", "SYSTEM"),))
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN003"]
    assert_finding(finding, "IDN003", "unknown", None)
    assert "no SSO State" in finding["message"]
    assert "User Context : SYSTEM" in finding["message"]


def test_idn003_does_not_apply_to_an_unjoined_device(cli: Any, tmp_path: Path):
    text = dsregcmd(aad="NO", domain="NO", sso=(("AzureAdPrt", "NO"),))
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN003"]
    assert_finding(finding, "IDN003", "not_applicable", None)


# --- IDN004 off-org-network -----------------------------------------------------------------


def test_idn004_warns_when_nltest_finds_no_domain_controller(cli: Any, tmp_path: Path):
    files = {"dsregcmd.txt": dsregcmd(), "nltest.txt": NLTEST_NO_DC}
    finding = analyze(cli, tmp_path, files)["IDN004"]
    assert_finding(finding, "IDN004", "fail", "warning")
    assert "No domain controller of CONTOSO answers" in finding["message"]
    assert "Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN" in finding["message"]
    assert "office or VPN" in finding["fix"]["title"]


def test_idn004_passes_when_nltest_finds_a_domain_controller(cli: Any, tmp_path: Path):
    files = {"dsregcmd.txt": dsregcmd(), "nltest.txt": NLTEST_DC}
    finding = analyze(cli, tmp_path, files)["IDN004"]
    assert_finding(finding, "IDN004", "pass", None)
    assert "DC01.contoso.com" in finding["message"]


def test_idn004_is_unknown_for_a_domain_joined_pc_without_nltest(cli: Any, tmp_path: Path):
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": dsregcmd()})["IDN004"]
    assert_finding(finding, "IDN004", "unknown", None)
    assert "the bundle has no nltest.txt" in finding["message"]
    assert "`nltest /dsgetdc:CONTOSO`" in finding["message"]


def test_idn004_is_unknown_with_the_reason_when_nltest_txt_is_foreign(cli: Any, tmp_path: Path):
    files = {"dsregcmd.txt": dsregcmd(), "nltest.txt": "Pinging 10.0.0.1 with 32 bytes"}
    finding = analyze(cli, tmp_path, files)["IDN004"]
    assert_finding(finding, "IDN004", "unknown", None)
    assert "nltest.txt is unreadable (nltest.txt: not nltest /dsgetdc output" in finding["message"]


def test_idn004_uses_dsregcmds_ad_connectivity_test_without_nltest(cli: Any, tmp_path: Path):
    text = dsregcmd(aad="NO", diagnostics=(("AD Connectivity Test", "FAIL [0x54b]"),))
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN004"]
    assert_finding(finding, "IDN004", "fail", "warning")
    assert "AD Connectivity Test : FAIL [0x54b]" in finding["message"]


def test_idn004_does_not_apply_to_a_pc_outside_any_domain(cli: Any, tmp_path: Path):
    text = dsregcmd(domain="NO")
    files = {"dsregcmd.txt": text, "nltest.txt": NLTEST_NO_DC}
    finding = analyze(cli, tmp_path, files)["IDN004"]
    assert_finding(finding, "IDN004", "not_applicable", None)


# --- IDN005 device-registration-unreachable -------------------------------------------------


def test_idn005_fails_on_a_drs_discovery_timeout_and_explains_the_codes(cli: Any, tmp_path: Path):
    text = dsregcmd(aad="NO", diagnostics=PENDING_DIAGNOSTICS)
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN005"]
    assert_finding(finding, "IDN005", "fail", "error")
    message = finding["message"]
    assert "DRS Discovery Test : FAIL [0x801c0021/0x80072ee2]" in message
    assert "0x80072ee2: the connection timed out" in message
    assert "0x801c0021: discovery of the device registration service failed" in message
    assert "enterpriseregistration.windows.net" in fix_text(finding)


def test_idn005_fails_on_a_discover_phase_client_error_code(cli: Any, tmp_path: Path):
    text = dsregcmd(
        aad="NO",
        diagnostics=(("Error Phase", "discover"), ("Client ErrorCode", "0x801c001f")),
    )
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN005"]
    assert_finding(finding, "IDN005", "fail", "error")
    assert "Client ErrorCode 0x801c001f (discovery timed out" in finding["message"]


def test_idn005_fails_when_the_last_prt_attempt_timed_out(cli: Any, tmp_path: Path):
    text = dsregcmd(sso=(("AzureAdPrt", "NO"), ("Attempt Status", "0x80072ee2")))
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN005"]
    assert_finding(finding, "IDN005", "fail", "error")
    assert "Attempt Status 0x80072ee2 (the connection timed out" in finding["message"]


def test_idn005_passes_when_the_registration_tests_pass(cli: Any, tmp_path: Path):
    text = dsregcmd(
        aad="NO",
        diagnostics=(
            *PASSING_DIAGNOSTICS,
            ("Error Phase", "join"),
            ("Client ErrorCode", "0x801c03f2"),
        ),
    )
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN005"]
    assert_finding(finding, "IDN005", "pass", None)
    assert "DRS Discovery Test : PASS" in finding["message"]
    assert "0x801c03f2" in finding["message"]


def test_idn005_on_a_joined_device_without_diagnostics_does_not_apply(cli: Any, tmp_path: Path):
    # Issue 9 point 9 (was: unknown): a joined device has nothing left to register.
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": dsregcmd()})["IDN005"]
    assert_finding(finding, "IDN005", "not_applicable", None)
    assert finding["message"] == (
        "This device is already Microsoft Entra hybrid joined: dsregcmd runs its registration "
        "tests only for a device still waiting to join, so there is no registration to check."
    )


def test_idn005_is_unknown_without_diagnostics_and_says_when_they_appear(cli: Any, tmp_path: Path):
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": dsregcmd(aad="NO")})["IDN005"]
    assert_finding(finding, "IDN005", "unknown", None)
    assert "only when the device is domain joined but not yet hybrid joined" in finding["message"]


def test_idn005_is_unknown_when_no_domain_controller_let_the_tests_run(cli: Any, tmp_path: Path):
    text = dsregcmd(
        aad="NO",
        diagnostics=(
            ("AD Connectivity Test", "FAIL [0x54b]"),
            ("AD Configuration Test", "SKIPPED"),
            ("DRS Discovery Test", "SKIPPED"),
            ("Error Phase", "pre-check"),
        ),
    )
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": text})["IDN005"]
    assert_finding(finding, "IDN005", "unknown", None)
    assert "IDN004" in finding["message"]


# --- the samples: the verdicts their header notes describe ----------------------------------

SAMPLE_VERDICTS = {
    # Domain joined, hybrid join failing on a missing SCP; elevated (SYSTEM diagnostics).
    "dsregcmd_domain_joined_scp_missing_ws2022_elevated.txt": {
        "IDN001": ("fail", "error"),
        "IDN002": ("not_applicable", None),
        "IDN003": ("not_applicable", None),
        "IDN004": ("pass", None),  # its AD Connectivity Test passed
        "IDN005": ("fail", "error"),
    },
    "dsregcmd_domain_joined_scp_missing_newer_format_unelevated.txt": {
        "IDN001": ("fail", "error"),
        "IDN002": ("not_applicable", None),
        "IDN003": ("not_applicable", None),
        "IDN004": ("pass", None),
        "IDN005": ("fail", "error"),
    },
    # Entra joined, PRT present, DeviceAuthStatus SUCCESS, post-join diagnostics only.
    "dsregcmd_entra_joined_prt_ok_win10.txt": {
        "IDN001": ("not_applicable", None),
        "IDN002": ("pass", None),
        "IDN003": ("pass", None),
        "IDN004": ("not_applicable", None),
        "IDN005": ("not_applicable", None),  # joined: nothing to register (issue 9 point 9)
    },
    # Hybrid joined (AD FS), healthy; forum-mangled.
    "dsregcmd_hybrid_joined_adfs_fr_locale_qna.txt": {
        "IDN001": ("pass", None),
        "IDN002": ("pass", None),
        "IDN003": ("pass", None),
        "IDN004": ("unknown", None),
        "IDN005": ("not_applicable", None),  # joined: nothing to register (issue 9 point 9)
    },
    # Old format (no DeviceAuthStatus), PRT present, DRS discovery timing out.
    "dsregcmd_msdocs_old_format_and_prt_ok.txt": {
        "IDN001": ("pass", None),
        "IDN002": ("unknown", None),
        "IDN003": ("pass", None),
        "IDN004": ("pass", None),
        "IDN005": ("fail", "error"),
    },
    # Microsoft's reference blocks: hybrid joined, PRT acquisition failed, discovery failure.
    "dsregcmd_msdocs_reference_sections.txt": {
        "IDN001": ("pass", None),
        "IDN002": ("pass", None),
        "IDN003": ("fail", "error"),
        "IDN004": ("pass", None),
        "IDN005": ("fail", "error"),
    },
    # Brand-new workgroup device.
    "dsregcmd_unjoined_workgroup_issue48791_partial.txt": {
        "IDN001": ("not_applicable", None),
        "IDN002": ("not_applicable", None),
        "IDN003": ("not_applicable", None),
        "IDN004": ("not_applicable", None),
        "IDN005": ("not_applicable", None),
    },
    # Workgroup PC with an Entra registered work account.
    "dsregcmd_workgroup_workplace_joined_it_locale.txt": {
        "IDN001": ("not_applicable", None),
        "IDN002": ("not_applicable", None),
        "IDN003": ("not_applicable", None),
        "IDN004": ("not_applicable", None),
        "IDN005": ("not_applicable", None),
    },
    # Not dsregcmd /status output at all.
    "dsregcmd_help_switches.txt": dict.fromkeys(IDS, ("unknown", None)),
}


def test_every_sample_has_its_verdicts():
    assert sorted(SAMPLE_VERDICTS) == sorted(p.name for p in FIXTURES.glob("dsregcmd_*.txt"))


@pytest.mark.parametrize("name", sorted(SAMPLE_VERDICTS))
def test_sample_gives_the_verdicts_its_note_describes(cli: Any, tmp_path: Path, name: str):
    findings = analyze(cli, tmp_path, {"dsregcmd.txt": (FIXTURES / name).read_bytes()})
    got = {i: (findings[i]["status"], findings[i]["severity"]) for i in IDS}
    assert got == SAMPLE_VERDICTS[name]


def test_reference_sample_prt_failure_names_attempt_status_and_server_error(
    cli: Any, tmp_path: Path
):
    data = (FIXTURES / "dsregcmd_msdocs_reference_sections.txt").read_bytes()
    finding = analyze(cli, tmp_path, {"dsregcmd.txt": data})["IDN003"]
    assert "Attempt Status 0xc000006d" in finding["message"]
    assert "AADSTS50126" in finding["message"]


def test_ws2022_sample_registration_failure_names_the_missing_scp(cli: Any, tmp_path: Path):
    data = (FIXTURES / "dsregcmd_domain_joined_scp_missing_ws2022_elevated.txt").read_bytes()
    findings = analyze(cli, tmp_path, {"dsregcmd.txt": data, "nltest.txt": NLTEST_NO_DC})
    idn005 = findings["IDN005"]
    assert "AD Configuration Test : FAIL [0x80070002]" in idn005["message"]
    assert "Client ErrorCode 0x801c001d" in idn005["message"]
    assert "Entra Connect" in fix_text(idn005)
    # nltest.txt outranks the old AD Connectivity Test: the PC is off the network now.
    assert_finding(findings["IDN004"], "IDN004", "fail", "warning")
