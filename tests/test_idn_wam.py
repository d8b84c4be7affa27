"""IDN006 wam-broker-unhealthy and IDN007 wam-disabled-by-policy (issue 13 point 6).

The appx-broker.txt fixtures are Get-AppxPackage's list view in the encodings Windows writes:
UTF-8 with a BOM (the collectors' Out-File), UTF-16LE (a user's `>` in Windows PowerShell on a
German Windows 11: the labels and Status names are not translated, only the error text is).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import winbundles as wb
from onedrive_doctor.parsers.appx import AppxParseError, parse_appx
from onedrive_doctor.parsers.text import decode_text

APPX = Path(__file__).parent / "fixtures" / "appx"
OK = APPX / "broker_ok_win10_22h2.txt"
REMEDIATE_DE = APPX / "broker_needs_remediation_win11_de.txt"
NOT_REGISTERED = APPX / "broker_not_registered.txt"
ERROR_DE = APPX / "broker_error_de.txt"
IDENTITY = r"HKEY_CURRENT_USER\Software\Microsoft\Office\16.0\Common\Identity"
IDENTITY_POLICY = r"HKEY_CURRENT_USER\Software\Policies\Microsoft\Office\16.0\Common\Identity"
REREGISTER = (
    'Add-AppxPackage -Register "$env:windir\\SystemApps\\Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy'
    '\\Appxmanifest.xml" -DisableDevelopmentMode -ForceApplicationShutdown'
)


@pytest.fixture
def analyze(cli: Any, tmp_path: Path) -> Any:
    def run(registry: dict[str, list[str] | str], **files: bytes | str) -> dict[str, Any]:
        return wb.findings(cli, wb.bundle(tmp_path, registry, **files), ("IDN",))

    return run


def windows(version: str = wb.WIN10_22H2, **extra: list[str] | str) -> dict[str, list[str] | str]:
    registry = wb.default_registry(version)
    registry.update(extra)
    return registry


# --- the parser ----------------------------------------------------------------------------------


def test_parser_reads_the_list_view_in_both_encodings() -> None:
    ok = parse_appx(decode_text(OK.read_bytes(), "appx-broker.txt"))
    (broker,) = ok.named("microsoft.aad.brokerplugin")
    assert (broker.name, broker.version, broker.status) == (
        "Microsoft.AAD.BrokerPlugin",
        "1000.19041.3636.0",
        "Ok",
    )
    assert broker.get("InstallLocation") == (
        r"C:\Windows\SystemApps\Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy"
    )
    assert broker.get("Dependencies") == "{}"
    de = parse_appx(decode_text(REMEDIATE_DE.read_bytes(), "appx-broker.txt"))
    assert [p.status for p in de.packages] == ["NeedsRemediation"]
    assert parse_appx("").packages == ()
    assert parse_appx("\r\n\r\n").packages == ()


def test_parser_joins_a_wrapped_value_and_keeps_records_apart() -> None:
    text = (
        "Name              : Microsoft.AAD.BrokerPlugin\n"
        "Publisher         : CN=Microsoft Windows, O=Microsoft Corporation, L=Redmond,\n"
        "                    S=Washington, C=US\n"
        "Status            : Ok\n\n"
        "Name              : Microsoft.AccountsControl\n"
        "Status            : Modified\n"
    )
    listing = parse_appx(text)
    assert [p.name for p in listing.packages] == [
        "Microsoft.AAD.BrokerPlugin",
        "Microsoft.AccountsControl",
    ]
    assert listing.packages[0].get("Publisher") == (
        "CN=Microsoft Windows, O=Microsoft Corporation, L=Redmond, S=Washington, C=US"
    )


def test_parser_rejects_a_localized_error_text_and_huge_input() -> None:
    with pytest.raises(AppxParseError) as caught:
        parse_appx(decode_text(ERROR_DE.read_bytes(), "appx-broker.txt"))
    assert str(caught.value) == (
        "appx-broker.txt:1: not Get-AppxPackage output (expected 'Name : value' lines): "
        "'Get-AppxPackage : Der Dienst kann nicht gestartet werden, da er deaktiviert ist '"
    )
    with pytest.raises(AppxParseError, match="far more than Get-AppxPackage prints"):
        parse_appx("Name : x\n" * 100_000)


# --- IDN006 --------------------------------------------------------------------------------------


def test_idn006_passes_on_a_registered_broker_with_status_ok(analyze: Any) -> None:
    idn = analyze(windows(), appx_broker_txt=OK.read_bytes())["IDN006"]
    assert wb.status(idn) == ("IDN006", "pass", None)
    assert idn["message"] == (
        "The Web Account Manager broker is registered for this user: Microsoft.AAD.BrokerPlugin "
        "1000.19041.3636.0, Status Ok."
    )


def test_idn006_fails_when_the_broker_is_not_registered_for_the_user(analyze: Any) -> None:
    idn = analyze(windows(), appx_broker_txt=NOT_REGISTERED.read_bytes())["IDN006"]
    assert wb.status(idn) == ("IDN006", "fail", "error")
    assert idn["message"] == (
        "The Web Account Manager broker OneDrive signs in through is not registered for this "
        "user (Get-AppxPackage Microsoft.AAD.BrokerPlugin lists no package)."
    )
    fix = idn["fix"]
    assert fix["safety"] == "needs-confirmation"
    command, sign_in = fix["changes"]
    assert command == {
        "kind": "run-command",
        "command": REREGISTER,
        "shell": "powershell",
        "undo": None,
        "undo_why": "it re-registers Windows' own broker package from its system folder; there "
        "is no earlier registration to restore",
        "needs_admin": False,
        "needs_restart": False,
        "safety": "needs-confirmation",
        "how": "In a normal (not elevated) PowerShell window of the user who sees the error, "
        "run {command}",
    }
    assert sign_in["kind"] == "manual" and sign_in["text"].startswith("Then sign in to OneDrive")
    assert any(REREGISTER in step for step in fix["steps"])


def test_idn006_fails_on_a_broker_that_needs_remediation_german_windows_11(analyze: Any) -> None:
    idn = analyze(windows(wb.WIN11_24H2), appx_broker_txt=REMEDIATE_DE.read_bytes())["IDN006"]
    assert wb.status(idn) == ("IDN006", "fail", "error")
    assert idn["message"] == (
        "The Web Account Manager broker is registered for this user but not healthy "
        "(Microsoft.AAD.BrokerPlugin 1000.22621.2506.0 has Status NeedsRemediation, not Ok)."
    )
    assert idn["evidence"]["status"] == ["NeedsRemediation"]


def test_idn006_is_unknown_without_the_file_or_with_an_error_text(analyze: Any) -> None:
    idn = analyze(windows())["IDN006"]
    assert wb.status(idn) == ("IDN006", "unknown", None)
    assert idn["message"] == (
        "no appx-broker.txt in this bundle (needs Get-AppxPackage Microsoft.AAD.BrokerPlugin, "
        "run as the user who sees the error)"
    )
    idn = analyze(windows(), appx_broker_txt=ERROR_DE.read_bytes())["IDN006"]
    assert wb.status(idn) == ("IDN006", "unknown", None)
    assert idn["message"].startswith(
        "unreadable evidence: appx-broker.txt:1: not Get-AppxPackage output"
    )


def test_idn006_is_unknown_when_a_status_line_is_missing(analyze: Any) -> None:
    text = "\r\nName              : Microsoft.AAD.BrokerPlugin\r\nVersion           : 1.0\r\n"
    idn = analyze(windows(), appx_broker_txt=text)["IDN006"]
    assert wb.status(idn) == ("IDN006", "unknown", None)
    assert idn["message"] == (
        "appx-broker.txt lists Microsoft.AAD.BrokerPlugin without a Status line, so its health "
        "is not shown (needs the full Get-AppxPackage output)"
    )


def test_idn006_does_not_apply_before_windows_10(analyze: Any) -> None:
    for version, label in ((wb.WIN7, "Windows 7 SP1"), (wb.WIN81, "Windows 8.1")):
        # Windows 8.1 has Get-AppxPackage, and an empty answer there is no failure.
        idn = analyze(windows(version), appx_broker_txt=b"")["IDN006"]
        assert wb.status(idn) == ("IDN006", "not_applicable", None)
        assert idn["message"].startswith(f"{label} (build ")
        assert idn["message"].endswith(
            "has no Web Account Manager broker (Microsoft.AAD.BrokerPlugin is part of Windows "
            "10 and later): there is nothing to check."
        )


def test_idn006_unavailable_cmdlet_is_not_applicable_only_when_it_means_windows_7(
    analyze: Any,
) -> None:
    manifest_only = {"currentversion": wb.WIN10_22H2}
    idn = analyze(manifest_only, unavailable_txt="powershell appx-broker.txt\r\n")["IDN006"]
    assert wb.status(idn) == ("IDN006", "unknown", None)
    assert idn["message"] == (
        "powershell could not run on this PC (unavailable.txt), so the broker's package was not "
        "listed (needs appx-broker.txt: Get-AppxPackage Microsoft.AAD.BrokerPlugin, as the user)"
    )


# --- IDN007 --------------------------------------------------------------------------------------


def identity(*values: str, key: str = IDENTITY) -> str:
    return "\n".join([f"[{key}]", *values])


def test_idn007_fails_on_the_three_switches_and_deletes_them_as_the_user(analyze: Any) -> None:
    registry = windows(
        **{
            "office-identity": identity(
                wb.dword("EnableADAL", 0),
                wb.dword("DisableAADWAM", 1),
                wb.dword("DisableADALatopWAMOverride", 1),
                wb.dword("Version", 1),
            )
        }
    )
    idn = analyze(registry)["IDN007"]
    assert wb.status(idn) == ("IDN007", "fail", "warning")
    key = r"HKCU\Software\Microsoft\Office\16.0\Common\Identity"
    assert idn["message"] == (
        "Office identity values switch off modern authentication or the WAM broker, which "
        f"Microsoft does not recommend: EnableADAL=0 at {key}; DisableAADWAM=1 at {key}; "
        f"DisableADALatopWAMOverride=1 at {key}."
    )
    fix = idn["fix"]
    assert fix["title"] == (
        "Delete EnableADAL, DisableAADWAM, DisableADALatopWAMOverride so Office and OneDrive "
        "sign in through WAM again"
    )
    assert fix["safety"] == "needs-confirmation"
    deletes = [c for c in fix["changes"] if c["kind"] == "delete-value"]
    assert [(c["hive"], c["key"], c["name"], c["before"], c["needs_admin"]) for c in deletes] == [
        ("HKCU", r"Software\Microsoft\Office\16.0\Common\Identity", "EnableADAL", 0, False),
        ("HKCU", r"Software\Microsoft\Office\16.0\Common\Identity", "DisableAADWAM", 1, False),
        (
            "HKCU",
            r"Software\Microsoft\Office\16.0\Common\Identity",
            "DisableADALatopWAMOverride",
            1,
            False,
        ),
    ]
    assert fix["changes"][-1]["text"] == (
        "Quit OneDrive and the Office apps, start them again, and sign in."
    )


def test_idn007_policy_owned_value_is_a_manual_step(analyze: Any) -> None:
    registry = windows(
        **{
            "office-identity": identity(wb.dword("EnableADAL", 1)),
            "office-policy": identity(wb.dword("DisableAADWAM", 1), key=IDENTITY_POLICY),
        }
    )
    idn = analyze(registry)["IDN007"]
    assert wb.status(idn) == ("IDN007", "fail", "warning")
    fix = idn["fix"]
    assert fix["safety"] == "manual"
    assert [c["kind"] for c in fix["changes"]] == ["manual", "manual"]
    assert fix["changes"][0]["text"] == (
        "Have the owner of the Office policy (Group Policy or Intune) remove DisableAADWAM (now "
        r"1) from HKCU\Software\Policies\Microsoft\Office\16.0\Common\Identity: a policy refresh "
        "restores a local edit."
    )


def test_idn007_passes_on_healthy_values_or_an_absent_key(analyze: Any, cli: Any) -> None:
    registry = windows(
        **{"office-identity": identity(wb.dword("EnableADAL", 1), wb.dword("DisableAADWAM", 0))}
    )
    idn = analyze(registry)["IDN007"]
    assert wb.status(idn) == ("IDN007", "pass", None)
    assert idn["message"] == (
        r"No Office identity value turns off modern authentication or WAM at HKCU\Software"
        r"\Microsoft\Office\16.0\Common\Identity (EnableADAL=0, DisableAADWAM=1, "
        "DisableADALatopWAMOverride=1 are not set)."
    )


def test_idn007_is_unknown_when_the_key_was_not_collected(analyze: Any) -> None:
    idn = analyze(windows())["IDN007"]
    assert wb.status(idn) == ("IDN007", "unknown", None)
    assert idn["message"] == (
        "the Office Identity key was not collected (needs registry/office-identity.reg: "
        r"HKCU\Software\Microsoft\Office\16.0\Common\Identity)"
    )


def test_idn007_does_not_apply_before_windows_10(analyze: Any) -> None:
    registry = windows(wb.WIN7, **{"office-identity": identity(wb.dword("EnableADAL", 0))})
    idn = analyze(registry)["IDN007"]
    assert wb.status(idn) == ("IDN007", "not_applicable", None)
    assert idn["message"] == (
        "Windows 7 SP1 (build 7601) has no Web Account Manager for Office to bypass (Office "
        "signs in through WAM on Windows 10 1703 and later): the article's Windows 10 step does "
        "not apply."
    )
