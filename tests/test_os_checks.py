"""OS001-OS002, and the issue's acceptance cases across the SCH / WHT / INE / OS families."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from winbundles import (
    EMPTY_SCHANNEL,
    WIN7,
    WIN7_HOTFIXES,
    WIN10_22H2,
    WIN10_HOTFIXES,
    WIN11_24H2,
    WIN81,
    bundle,
    current_version,
    default_registry,
    findings,
    freeze_today,
    hotfixes,
    probes,
    status,
    tls_scan,
)

WINDOWS_FAMILIES = ("SCH", "WHT", "INE", "OS")
WIN81_HOTFIXES = hotfixes("KB2919355", "KB3042058", "KB4474419")


@pytest.fixture
def analyze(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``analyze(registry, **files)`` -> the Windows TLS findings, on a fixed day."""
    freeze_today(monkeypatch)
    count = 0

    def run(registry: dict[str, list[str] | str], **files: bytes | str) -> dict[str, Any]:
        nonlocal count
        count += 1
        return findings(cli, bundle(tmp_path / str(count), registry, **files), WINDOWS_FAMILIES)

    return run


# --- OS001 os-cannot-meet-afd-policy -------------------------------------------------------------


def test_os001_fails_on_windows_7_against_the_assumed_default_and_names_what_would_work(
    analyze: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Collected on 2026-11-20, after AFD stopped negotiating DHE (the fixture's default day is
    # 2025-06-01, for OS002): checks judge as of the bundle's date.
    freeze_today(monkeypatch, datetime.date(2026, 11, 20))
    found = analyze({"currentversion": WIN7, "schannel": EMPTY_SCHANNEL})
    finding = found["OS001"]
    assert status(finding) == ("OS001", "fail", "error")
    assert finding["message"] == (
        "No cipher suite Windows 7 SP1 can ever offer is accepted by AFD policy TLSv1.2_2023 "
        "(assumed, the current default: the bundle has no TLS scan of the sign-in endpoints): "
        "it needs TLS 1.3 or one of TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, and Windows 7 SP1 implements no TLS 1.3 and "
        "none of those suites. No local setting can fix this. What will: upgrading to Windows "
        "10 / 11, or the service owner using an AFD policy that still lists DHE or ECDHE-CBC "
        "suites: under TLSv1.2_2022 this PC could connect (once configured) with "
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384; under TLSv1.2_2019 with "
        "TLS_RSA_WITH_AES_256_GCM_SHA384. Under afd-legacy-4 this PC connected with "
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 before 2026-04-01, and does not now: AFD stopped "
        "negotiating the DHE_RSA AES-GCM suites on 2026-04-01."
    )
    # Issue 10 point 5: judged at the bundle's date (2026-11-20), afd-legacy-4's only match is
    # a DHE suite AFD dropped on 2026-04-01.
    assert finding["evidence"]["policies_that_would_work"] == ["TLSv1.2_2022", "TLSv1.2_2019"]
    fix = finding["fix"]
    assert fix["title"] == (
        "Upgrade Windows 7 SP1 to Windows 11: no setting makes it meet the front door's TLS policy"
    )
    assert fix["safety"] == "manual"


def test_os001_passes_on_windows_10_22h2(analyze: Any) -> None:
    found = analyze(default_registry(WIN10_22H2))
    assert status(found["OS001"]) == ("OS001", "pass", None)
    assert found["OS001"]["message"].startswith(
        "Windows 10 22H2 can offer TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (TLSv1.2), which AFD "
        "policy TLSv1.2_2023 (assumed"
    )


def test_os001_passes_on_windows_11_over_tls13(analyze: Any) -> None:
    found = analyze(default_registry(WIN11_24H2))
    assert status(found["OS001"]) == ("OS001", "pass", None)
    assert "can offer TLS_AES_256_GCM_SHA384 (TLSv1.3)" in found["OS001"]["message"]


def test_os001_is_unknown_without_windows_evidence(analyze: Any) -> None:
    found = analyze({"schannel": EMPTY_SCHANNEL})
    assert status(found["OS001"]) == ("OS001", "unknown", None)
    assert found["OS001"]["message"] == (
        r"no Windows evidence in this bundle (needs registry/: HKLM\SOFTWARE\Microsoft"
        r"\Windows NT\CurrentVersion)"
    )


def test_os001_is_unknown_when_the_build_is_not_a_number(analyze: Any) -> None:
    version = WIN10_22H2.replace('"CurrentBuild"="19045"', '"CurrentBuild"="19O45"')
    found = analyze({"currentversion": version})
    assert status(found["OS001"]) == ("OS001", "unknown", None)
    assert found["OS001"]["message"].startswith(
        "unreadable evidence: registry/currentversion.reg:6: CurrentBuild is '19O45', not a "
        "build number"
    )


def test_os001_worst_scanned_endpoint_wins(analyze: Any) -> None:
    scans = probes(
        tls_scan("login.microsoftonline.com", "TLSv1.2_2022"),
        tls_scan("contoso-my.sharepoint.com", "TLSv1.2_2023"),
    )
    found = analyze(default_registry(WIN81), hotfixes_txt=WIN81_HOTFIXES, probes_json=scans)
    finding = found["OS001"]
    assert status(finding) == ("OS001", "fail", "error")
    assert finding["message"].startswith(
        "No cipher suite Windows 8.1 can ever offer is accepted by contoso-my.sharepoint.com:443 "
        "(measured: AFD policy TLSv1.2_2023):"
    )


def test_a_failed_scan_falls_back_to_the_default_and_says_why(analyze: Any) -> None:
    failed = tls_scan()
    failed.update(status="failed", error="no answer within 5 s", result={})
    found = analyze(
        default_registry(WIN81), hotfixes_txt=WIN81_HOTFIXES, probes_json=probes(failed)
    )
    assert status(found["OS001"]) == ("OS001", "fail", "error")
    assert (
        "(assumed, the current default: the TLS scan of login.microsoftonline.com:443 did not "
        "complete (no answer within 5 s))"
    ) in found["OS001"]["message"]


# --- OS002 os-unsupported ------------------------------------------------------------------------


def test_os002_fails_on_windows_7_and_mentions_the_onedrive_client(analyze: Any) -> None:
    found = analyze({"currentversion": WIN7})
    finding = found["OS002"]
    assert status(finding) == ("OS002", "fail", "warning")
    assert finding["message"] == (
        "Windows 7 SP1 (build 7601) is out of Microsoft support: security updates for Windows 7 "
        "SP1 (Professional) ended on 2020-01-14 (https://learn.microsoft.com/lifecycle/products/"
        "windows-7); paid Extended Security Updates, if any, do not show in a bundle. The "
        "OneDrive sync app stopped getting updates on Windows 7 SP1 on 1 January 2022 (personal "
        "accounts stopped syncing on 1 March 2022; the business app follows the Windows "
        "lifecycle)."
    )
    assert finding["fix"]["safety"] == "manual"


def test_os002_fails_on_windows_10_22h2_after_its_end_of_support(
    analyze: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze_today(monkeypatch, datetime.date(2025, 10, 15))
    found = analyze({"currentversion": WIN10_22H2})
    assert status(found["OS002"]) == ("OS002", "fail", "warning")
    assert found["OS002"]["evidence"]["end_of_support"] == "2025-10-14"


def test_os002_uses_the_enterprise_date_for_an_enterprise_edition(
    analyze: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze_today(monkeypatch, datetime.date(2027, 1, 1))
    enterprise = current_version("Windows 10 Enterprise", 26100, edition="Enterprise")
    found = analyze({"currentversion": enterprise})
    assert status(found["OS002"]) == ("OS002", "pass", None)
    assert found["OS002"]["message"] == (
        "Windows 11 24H2 (build 26100) is supported until 2027-10-12 (Windows 11 24H2 "
        "(Enterprise); Microsoft lifecycle dates, see evidence)."
    )


def test_os002_passes_on_a_supported_windows_11(analyze: Any) -> None:
    found = analyze({"currentversion": WIN11_24H2})
    assert status(found["OS002"]) == ("OS002", "pass", None)
    assert found["OS002"]["evidence"]["today"] == "2025-06-01"


def test_os002_is_unknown_without_windows_evidence(analyze: Any) -> None:
    found = analyze({})
    assert status(found["OS002"]) == ("OS002", "unknown", None)


# --- the acceptance cases ----------------------------------------------------------------


def test_windows_7_without_kb3140245_or_tls_keys_fails_sch001_wht001_wht002_os001(
    analyze: Any,
) -> None:
    found = analyze(
        {"currentversion": WIN7, "schannel": EMPTY_SCHANNEL}, hotfixes_txt=WIN7_HOTFIXES
    )
    for check_id in ("SCH001", "WHT001", "WHT002", "OS001"):
        assert status(found[check_id]) == (check_id, "fail", "error")
    assert found["SCH001"]["message"].startswith(
        "TLS 1.2 client is off by default on Windows 7 SP1: DisabledByDefault is absent at "
    )
    assert "AFD policy TLSv1.2_2023 (assumed" in found["OS001"]["message"]


@pytest.mark.parametrize("version", [WIN10_22H2, WIN11_24H2], ids=["10-22H2", "11-24H2"])
def test_a_default_windows_10_or_11_passes_every_windows_tls_check(
    analyze: Any, version: str
) -> None:
    found = analyze(default_registry(version), hotfixes_txt=WIN10_HOTFIXES)
    assert len(found) == 13  # SCH008 landed (issue 10)
    statuses = {check_id: f["status"] for check_id, f in found.items()}
    assert set(statuses.values()) <= {"pass", "not_applicable"}, statuses
    assert statuses["SCH001"] == statuses["SCH002"] == statuses["OS001"] == "pass"


def test_measured_tlsv1_2_2022_lets_windows_81_pass_sch002_and_os001(analyze: Any) -> None:
    registry = default_registry(WIN81)
    measured = analyze(registry, hotfixes_txt=WIN81_HOTFIXES, probes_json=probes(tls_scan()))
    assumed = analyze(registry, hotfixes_txt=WIN81_HOTFIXES)
    for check_id in ("SCH002", "OS001"):
        assert status(measured[check_id]) == (check_id, "pass", None)
        assert status(assumed[check_id]) == (check_id, "fail", "error")
    assert measured["SCH002"]["message"] == (
        "login.microsoftonline.com:443 (measured: AFD policy TLSv1.2_2022) accepts "
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 (TLSv1.2) from the default list of Windows 8.1."
    )
    assert (
        "Under TLSv1.2_2022 this PC would connect with TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"
        in (assumed["SCH002"]["message"])
    )
    assert status(measured["SCH003"]) == ("SCH003", "pass", None)
