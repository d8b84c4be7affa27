"""WHT001-WHT002 (WinHTTP's default protocols, KB3140245) and INE001 (Internet Options boxes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from regfiles import WINDOWS_MANIFEST, write_bundle
from winbundles import (
    EMPTY_SCHANNEL,
    HKCU_INET,
    INET_HKLM,
    INET_POLICY_HKLM,
    WIN7,
    WIN7_HOTFIXES,
    WIN8,
    WIN10_22H2,
    WIN10_HOTFIXES,
    WIN11_24H2,
    WINHTTP,
    WINHTTP_WOW64,
    bundle,
    default_registry,
    dword,
    findings,
    hotfixes,
    internet_settings,
    status,
)

KB3140245_URL = (
    "https://support.microsoft.com/topic/update-to-enable-tls-1-1-and-tls-1-2-as-default-secure-"
    "protocols-in-winhttp-in-windows-c4bd73d2-31d7-761e-0178-11268bb10392"
)
WIN7_WITH_KB = hotfixes("KB2533552", "KB3140245", "KB4474419")


@pytest.fixture
def analyze(cli: Any, tmp_path: Path) -> Any:
    """``analyze(registry, **files)`` -> the WHT and INE findings of that bundle."""

    def run(registry: dict[str, list[str] | str], **files: bytes | str) -> dict[str, Any]:
        return findings(cli, bundle(tmp_path, registry, **files), ("WHT", "INE"))

    return run


def windows(version: str, **inet: Any) -> dict[str, list[str] | str]:
    """CurrentVersion, an empty SCHANNEL and Internet Settings with the given values."""
    return {
        "currentversion": version,
        "schannel": EMPTY_SCHANNEL,
        "inet": internet_settings(**inet),
    }


# --- WHT001 winhttp-tls12-not-default ------------------------------------------------------------


def test_wht001_fails_on_windows_7_without_kb3140245_even_with_the_value(analyze: Any) -> None:
    found = analyze(windows(WIN7, winhttp=0xA80, winhttp_wow64=0xA80), hotfixes_txt=WIN7_HOTFIXES)
    finding = found["WHT001"]
    assert status(finding) == ("WHT001", "fail", "error")
    assert finding["message"] == (
        "WinHTTP's default protocols on Windows 7 SP1 (build 7601) lack TLS 1.2: KB3140245 is "
        "not installed (hotfixes.txt), so WinHTTP ignores DefaultSecureProtocols. Applications "
        "that leave the protocols to WinHTTP get 0xA0 (SSL 3.0, TLS 1.0)."
    )
    fix = finding["fix"]
    assert fix["title"] == (
        "Install KB3140245, then set DefaultSecureProtocols=0xA80 in both WinHttp keys and restart"
    )
    assert KB3140245_URL in fix["steps"][0]
    assert fix["steps"][1:3] == [
        f'reg add "{WINHTTP}" /v DefaultSecureProtocols /t REG_DWORD /d 0xA80 /f',
        f'reg add "{WINHTTP_WOW64}" /v DefaultSecureProtocols /t REG_DWORD /d 0xA80 /f',
    ]
    assert (fix["safety"], fix["needs_admin"], fix["needs_restart"]) == (
        "needs-confirmation",
        True,
        True,
    )


def test_wht001_fails_on_64_bit_windows_7_when_the_wow6432node_value_is_missing(
    analyze: Any,
) -> None:
    found = analyze(windows(WIN7, winhttp=0xA80), hotfixes_txt=WIN7_WITH_KB)
    finding = found["WHT001"]
    assert status(finding) == ("WHT001", "fail", "error")
    assert finding["message"] == (
        "WinHTTP's default protocols on Windows 7 SP1 (build 7601) lack TLS 1.2: no "
        f"DefaultSecureProtocols at {WINHTTP_WOW64}. Applications that leave the protocols to "
        "WinHTTP get 0xA80 (TLS 1.0, TLS 1.1, TLS 1.2)."
    )
    assert finding["fix"]["title"] == (
        "Set DefaultSecureProtocols=0xA80 in both WinHttp keys, then restart Windows"
    )


def test_wht001_fails_on_windows_10_when_a_value_lacks_tls12(analyze: Any) -> None:
    found = analyze(windows(WIN10_22H2, winhttp=0x280, winhttp_wow64=0xA80))
    finding = found["WHT001"]
    assert status(finding) == ("WHT001", "fail", "error")
    assert finding["message"] == (
        "WinHTTP's default protocols on Windows 10 22H2 (build 19045.5131) lack TLS 1.2: "
        f"DefaultSecureProtocols=0x280 (TLS 1.0, TLS 1.1) at {WINHTTP} lacks 0x800 (TLS 1.2). "
        "Applications that leave the protocols to WinHTTP get 0x280 (TLS 1.0, TLS 1.1)."
    )


def test_wht001_passes_on_windows_7_with_kb3140245_and_both_values(analyze: Any) -> None:
    found = analyze(windows(WIN7, winhttp=0xA00, winhttp_wow64=0xA80), hotfixes_txt=WIN7_WITH_KB)
    assert status(found["WHT001"]) == ("WHT001", "pass", None)
    assert found["WHT001"]["message"] == (
        "WinHTTP's default protocols include TLS 1.2: DefaultSecureProtocols=0xA00 (TLS 1.1, "
        f"TLS 1.2) at {WINHTTP} and DefaultSecureProtocols=0xA80 (TLS 1.0, TLS 1.1, TLS 1.2) at "
        f"{WINHTTP_WOW64}."
    )


def test_wht001_passes_on_a_default_windows_11(analyze: Any) -> None:
    found = analyze(windows(WIN11_24H2))
    assert status(found["WHT001"]) == ("WHT001", "pass", None)
    assert found["WHT001"]["message"] == (
        "WinHTTP's default protocols include TLS 1.2: the default of Windows 11 24H2, 0x2800 "
        "(TLS 1.2, TLS 1.3) (no DefaultSecureProtocols)."
    )


def test_wht001_says_kb3140245_was_assumed_without_a_hotfix_list(analyze: Any) -> None:
    found = analyze(windows(WIN7, winhttp=0xA80, winhttp_wow64=0xA80))
    assert status(found["WHT001"]) == ("WHT001", "pass", None)
    assert found["WHT001"]["message"].endswith(
        "KB3140245 is assumed installed (no hotfixes.txt; see WHT002)."
    )
    assert any("KB3140245" in note for note in found["WHT001"]["evidence"]["assumed"])


def test_wht001_is_unknown_without_the_internet_settings_export(analyze: Any) -> None:
    found = analyze({"currentversion": WIN10_22H2, "schannel": EMPTY_SCHANNEL})
    assert status(found["WHT001"]) == ("WHT001", "unknown", None)
    assert found["WHT001"]["message"] == (
        f"the WinHttp keys were not exported (needs registry/: {WINHTTP}, {WINHTTP_WOW64})"
    )


# --- WHT002 kb3140245-missing --------------------------------------------------------------------


def test_wht002_fails_on_windows_7_without_kb3140245(analyze: Any) -> None:
    found = analyze(windows(WIN7), hotfixes_txt=WIN7_HOTFIXES)
    finding = found["WHT002"]
    assert status(finding) == ("WHT002", "fail", "error")
    assert finding["message"] == (
        "KB3140245 is not among the 5 updates in hotfixes.txt: without it WinHTTP on Windows 7 "
        "SP1 ignores DefaultSecureProtocols and offers 0xA0 (SSL 3.0, TLS 1.0), which Microsoft "
        "365 refuses. Get-HotFix misses updates installed by Component Based Servicing, so this "
        "is strong evidence, not proof."
    )
    fix = finding["fix"]
    assert fix["safety"] == "manual"
    assert "https://www.catalog.update.microsoft.com/Search.aspx?q=KB3140245" in fix["steps"][0]
    assert KB3140245_URL in fix["steps"][0]


def test_wht002_on_windows_8_repeats_the_doubt_about_the_kb(analyze: Any) -> None:
    found = analyze(windows(WIN8), hotfixes_txt=hotfixes("KB2919355"))
    assert status(found["WHT002"]) == ("WHT002", "fail", "error")
    assert found["WHT002"]["message"].endswith(
        "(KB3140245's own text lists Server 2012, Windows 7 SP1 and Server 2008 R2 SP1, not the "
        "Windows 8 client, yet the OneDrive article says to install it on Windows 8 "
        "(docs/knowledge/windows-tls.md §9.2))"
    )


def test_wht002_passes_when_kb3140245_is_installed(analyze: Any) -> None:
    found = analyze(windows(WIN7), hotfixes_txt=WIN7_WITH_KB)
    assert status(found["WHT002"]) == ("WHT002", "pass", None)
    assert found["WHT002"]["message"] == (
        "KB3140245 is installed on Windows 7 SP1 (build 7601) (hotfixes.txt)."
    )


def test_wht002_is_unknown_without_hotfixes_txt(analyze: Any) -> None:
    found = analyze(windows(WIN7))
    assert status(found["WHT002"]) == ("WHT002", "unknown", None)
    assert found["WHT002"]["message"].startswith("no hotfixes.txt, so whether KB3140245")


def test_wht002_is_unknown_when_hotfixes_txt_is_unreadable(analyze: Any) -> None:
    found = analyze(windows(WIN7), hotfixes_txt="HotFixID\r\nKB3140245\r\nnot a KB\r\n")
    assert status(found["WHT002"]) == ("WHT002", "unknown", None)
    assert found["WHT002"]["message"].startswith("unreadable evidence: hotfixes.txt:3: ")


def test_wht002_does_not_apply_on_windows_10(analyze: Any) -> None:
    found = analyze(windows(WIN10_22H2), hotfixes_txt=WIN10_HOTFIXES)
    assert status(found["WHT002"]) == ("WHT002", "not_applicable", None)
    assert found["WHT002"]["message"].startswith(
        "Windows 10 22H2 does not need KB3140245: WinHTTP there already includes TLS 1.2"
    )


# --- INE001 internet-options-tls12-off -----------------------------------------------------------


def test_ine001_fails_on_windows_11_with_hkcu_secure_protocols_0xa0(analyze: Any) -> None:
    found = analyze(windows(WIN11_24H2, hkcu=0xA0))
    finding = found["INE001"]
    assert status(finding) == ("INE001", "fail", "error")
    assert finding["message"] == (
        f"TLS 1.2 is unticked in Internet Options: SecureProtocols=0xA0 (SSL 3.0, TLS 1.0) at "
        f"{HKCU_INET} (the user's Internet Options) lacks 0x800 (TLS 1.2)."
    )
    fix = finding["fix"]
    assert (
        fix["title"]
        == f"Tick TLS 1.2 in Internet Options: set SecureProtocols=0x2A80 at {HKCU_INET}"
    )
    assert fix["steps"][1] == (
        f'Or, as the user: reg add "{HKCU_INET}" /v SecureProtocols /t REG_DWORD /d 0x2A80 /f'
    )
    assert (fix["safety"], fix["needs_admin"], fix["needs_restart"]) == ("safe", False, False)


def test_ine001_proposes_0xa80_where_windows_has_no_tls13(analyze: Any) -> None:
    found = analyze(windows(WIN10_22H2, hkcu=0xA0))
    assert status(found["INE001"]) == ("INE001", "fail", "error")
    assert found["INE001"]["fix"]["title"].endswith(f"SecureProtocols=0xA80 at {HKCU_INET}")


def test_ine001_from_a_policy_is_a_manual_fix(analyze: Any) -> None:
    registry = windows(WIN10_22H2, hkcu=0xA80)
    registry["inet-policy-hklm"] = f"[{INET_POLICY_HKLM}]\n{dword('SecureProtocols', 0x280)}"
    found = analyze(registry)
    finding = found["INE001"]
    assert status(finding) == ("INE001", "fail", "error")
    assert "(the machine's Group Policy) lacks 0x800 (TLS 1.2)" in finding["message"]
    assert finding["fix"]["title"] == (
        "Change the 'Turn off encryption support' Group Policy to include TLS 1.2"
    )
    assert finding["fix"]["safety"] == "manual"


def test_ine001_passes_with_tls12_ticked(analyze: Any) -> None:
    found = analyze(windows(WIN10_22H2, hkcu=0xA80))
    assert status(found["INE001"]) == ("INE001", "pass", None)
    assert found["INE001"]["message"] == (
        "TLS 1.2 is ticked in Internet Options: SecureProtocols=0xA80 (TLS 1.0, TLS 1.1, TLS 1.2) "
        f"at {HKCU_INET} (the user's Internet Options)."
    )


def test_ine001_judges_the_default_when_no_value_is_exported(analyze: Any) -> None:
    found = analyze(windows(WIN10_22H2))
    finding = found["INE001"]
    assert status(finding) == ("INE001", "pass", None)
    assert (
        "(default; no SecureProtocols value: the default of Windows 10 22H2, assumed"
        in (finding["message"])
    )
    assert finding["evidence"]["source"] == "default"
    assert finding["evidence"]["assumed"]


def test_ine001_is_unknown_without_the_internet_settings_export(analyze: Any) -> None:
    found = analyze({"currentversion": WIN10_22H2})
    assert status(found["INE001"]) == ("INE001", "unknown", None)
    assert found["INE001"]["message"].startswith(
        "the Internet Settings keys were not exported, so SecureProtocols is unknown (needs "
        f"registry/: {HKCU_INET}"
    )


def test_ine001_hklm_value_needs_the_user_key_to_be_known(analyze: Any) -> None:
    registry = {
        "currentversion": WIN10_22H2,
        "inet-hklm": f"[{INET_HKLM}]\n{dword('SecureProtocols', 0xA0)}",
    }
    found = analyze(registry)
    assert status(found["INE001"]) == ("INE001", "unknown", None)


def test_wht_and_ine_checks_do_not_apply_to_a_mac_bundle(cli: Any, tmp_path: Path) -> None:
    manifest = WINDOWS_MANIFEST.replace('"Windows"', '"Darwin"')
    found = findings(cli, write_bundle(tmp_path, {"manifest.json": manifest}), ("WHT", "INE"))
    assert {k: f["status"] for k, f in found.items()} == {
        "WHT001": "not_applicable",
        "WHT002": "not_applicable",
        "INE001": "not_applicable",
    }


def test_default_windows_10_has_no_wht_or_ine_problem(analyze: Any) -> None:
    found = analyze(default_registry(WIN10_22H2), hotfixes_txt=WIN10_HOTFIXES)
    assert {k: f["status"] for k, f in found.items()} == {
        "WHT001": "pass",
        "WHT002": "not_applicable",
        "INE001": "pass",
    }
