"""Issue 10: configured suite lists against what the Windows build implements (SCH002, SCH008)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from winbundles import (
    POLICY_KEY,
    WIN7,
    WIN7_HOTFIXES,
    WIN10_22H2,
    WIN81,
    bundle,
    default_registry,
    findings,
    hotfixes,
    protocol,
    schannel,
    ssl_policy,
    status,
)

ARTICLE_GCM = ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
TLS12_ON = protocol("TLS 1.2", Enabled=1, DisabledByDefault=0)
WITH_KB3042058 = hotfixes("KB2533552", "KB3042058", "KB3140245")


@pytest.fixture
def analyze(cli: Any, tmp_path: Path) -> Any:
    def run(registry: dict[str, list[str] | str], **files: bytes | str) -> dict[str, Any]:
        return findings(cli, bundle(tmp_path, registry, **files), ("SCH", "OS"))

    return run


def registry(version: str, policy: str | None) -> dict[str, list[str] | str]:
    found = default_registry(version)
    found["schannel"] = schannel(protocol("SSL 2.0", DisabledByDefault=1), TLS12_ON)
    if policy is not None:
        found["ssl-policy"] = policy
    return found


def test_windows7_policy_with_the_articles_suites_fails_sch002_and_sch008(analyze: Any) -> None:
    policy = ssl_policy([*ARTICLE_GCM, "TLS_RSA_WITH_AES_128_CBC_SHA"])
    sch = analyze(registry(WIN7, policy), hotfixes_txt=WITH_KB3042058)
    sch002 = sch["SCH002"]
    assert status(sch002) == ("SCH002", "fail", "error")
    assert sch002["message"].startswith(
        "None of the 1 TLS 1.2 cipher suites of the Group Policy list (Functions at "
        rf"{POLICY_KEY}) is accepted by AFD policy TLSv1.2_2023"
    )
    assert (
        " The policy names 2 suites which Windows 7 SP1 does not implement, and Schannel "
        "ignores them: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (SCH008)." in sch002["message"]
    )
    assert sch002["evidence"]["cipher_suites"] == ["TLS_RSA_WITH_AES_128_CBC_SHA"]
    sch008 = sch["SCH008"]
    assert status(sch008) == ("SCH008", "fail", "warning")
    assert sch008["message"] == (
        f"The configured lists at {POLICY_KEY} hold what Windows cannot use: suites Schannel "
        "ignores: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (Windows 7 SP1 does not implement it), "
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (Windows 7 SP1 does not implement it). "
        "1 TLS 1.2 suites remain usable."
    )
    assert sch008["evidence"]["usable_suites"] == ["TLS_RSA_WITH_AES_128_CBC_SHA"]
    assert status(sch["OS001"]) == ("OS001", "fail", "error")


def test_windows81_policy_with_only_the_ecdhe_gcm_suites_leaves_no_tls12_suite(
    analyze: Any,
) -> None:
    sch = analyze(registry(WIN81, ssl_policy(ARTICLE_GCM)), hotfixes_txt=WITH_KB3042058)
    sch002 = sch["SCH002"]
    assert status(sch002) == ("SCH002", "fail", "error")
    assert sch002["message"].startswith("None of the 0 TLS 1.2 cipher suites of the Group Policy")
    assert "which Windows 8.1 does not implement" in sch002["message"]
    assert sch002["evidence"]["cipher_suites"] == []
    sch008 = sch["SCH008"]
    assert status(sch008) == ("SCH008", "fail", "error")
    assert sch008["message"].endswith(
        ". No TLS 1.2 suite is left: Windows 8.1 (build 9600) offers none to any TLS 1.2 server."
    )


def test_windows7_policy_without_kb3042058_drops_the_gcm_suites_it_adds(analyze: Any) -> None:
    policy = ssl_policy(["TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA"])
    sch = analyze(registry(WIN7, policy), hotfixes_txt=WIN7_HOTFIXES)
    assert sch["SCH008"]["evidence"]["unimplemented_suites"] == {
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384": "added by KB3042058, which hotfixes.txt does not "
        "list"
    }


def test_windows7_bare_ecdhe_name_is_flagged_as_unconfirmed(analyze: Any) -> None:
    policy = ssl_policy(
        ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"]
    )
    sch = analyze(registry(WIN7, policy), hotfixes_txt=WITH_KB3042058)
    sch008 = sch["SCH008"]
    assert status(sch008) == ("SCH008", "fail", "warning")
    assert sch008["evidence"]["unconfirmed_spellings"] == ["TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"]
    assert (
        "ECDHE names without the curve suffix Microsoft's Windows 7 SP1 page uses (_P256 / "
        "_P384), which no Microsoft document says are honoured there: "
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" in sch008["message"]
    )


def test_sch008_passes_on_a_windows10_policy_of_implemented_names(analyze: Any) -> None:
    sch = analyze(registry(WIN10_22H2, ssl_policy(ARTICLE_GCM)))
    assert status(sch["SCH008"]) == ("SCH008", "pass", None)
    assert status(sch["SCH002"]) == ("SCH002", "pass", None)


def test_sch008_passes_without_any_configured_list(analyze: Any) -> None:
    sch = analyze(registry(WIN10_22H2, None))
    assert status(sch["SCH008"]) == ("SCH008", "pass", None)
    assert sch["SCH008"]["message"] == (
        "No cipher suite or curve list is configured: Windows uses its defaults."
    )


def test_sch008_flags_spaces_unknown_names_and_a_wrong_curve_type(analyze: Any) -> None:
    policy = "\n".join(
        [
            f"[HKEY_LOCAL_MACHINE{POLICY_KEY[4:]}]",
            '"Functions"="TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_BOGUS_SUITE"',
            '"EccCurves"="NistP256"',
        ]
    )
    sch = analyze(registry(WIN10_22H2, policy))
    sch008 = sch["SCH008"]
    assert status(sch008) == ("SCH008", "fail", "warning")
    assert sch008["message"] == (
        f"The configured lists at {POLICY_KEY} hold what Windows cannot use: EccCurves is "
        "REG_SZ, not REG_MULTI_SZ; elements with spaces: ' TLS_BOGUS_SUITE'; unknown suite "
        "names: TLS_BOGUS_SUITE. 1 TLS 1.2 suites remain usable."
    )


def test_sch008_is_unknown_without_tls_settings(analyze: Any) -> None:
    sch = analyze({"currentversion": WIN10_22H2})
    assert status(sch["SCH008"]) == ("SCH008", "unknown", None)
    assert sch["SCH008"]["message"] == (
        f"neither the SSL policy key nor SCHANNEL was exported (needs registry/: {POLICY_KEY} or "
        r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL)"
    )


def test_simulate_windows_8_offers_tls12_in_schannel_and_not_in_winhttp(cli: Any) -> None:
    doc = cli("simulate", "--windows", "8", "--format", "json").json()
    assert doc["client"]["protocols"] == ["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2"]
    assert doc["verdicts_concern"] == "schannel"
    assert doc["verdicts"]["TLSv1.2_2022"] == {
        "accepted": True,
        "protocol": "TLSv1.2",
        "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    }
    winhttp = doc["stacks"]["winhttp"]
    assert (winhttp["mask"], winhttp["source"], winhttp["protocols"]) == (
        "0xA0",
        "default of Windows 8",
        ["SSLv3", "TLSv1.0"],
    )
    assert winhttp["verdicts"]["TLSv1.2_2022"] == {
        "accepted": False,
        "reason": "this PC offers SSLv3, TLSv1.0; AFD policy TLSv1.2_2022 needs TLS 1.2 or TLS 1.3",
    }
    text = cli("simulate", "--windows", "8").out
    assert "Verdicts for Schannel's defaults (an application that sets no protocols):" in text
    assert "WinHTTP (0xA0, default of Windows 8): offers SSLv3, TLSv1.0; accepted by no AFD" in text


def test_simulate_windows_7_wininet_asks_for_tls12_while_schannel_does_not(cli: Any) -> None:
    doc = cli("simulate", "--windows", "7", "--format", "json").json()
    assert doc["client"]["protocols"] == ["SSLv3", "TLSv1.0"]
    wininet = doc["stacks"]["wininet"]
    assert wininet["protocols"] == ["TLSv1.0", "TLSv1.1", "TLSv1.2"]
    assert wininet["verdicts"]["afd-legacy-4"] == {
        "accepted": True,
        "protocol": "TLSv1.2",
        "cipher_suite": "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
    }


def _win7_dhe_only(tmp_path: Path, created: str) -> Path:
    from regfiles import WINDOWS_MANIFEST

    policy = ssl_policy(["TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"])
    manifest = WINDOWS_MANIFEST.replace("2026-11-20T10:00:00+00:00", created)
    root = bundle(tmp_path, registry(WIN7, policy), hotfixes_txt=WITH_KB3042058)
    (root / "manifest.json").write_text(manifest)
    return root


def test_a_dhe_only_windows7_is_told_it_worked_before_2026_04_01(cli: Any, tmp_path: Path) -> None:
    sch = findings(cli, _win7_dhe_only(tmp_path, "2026-11-20T10:00:00+00:00"), ("SCH",))
    assert sch["SCH002"]["message"] == (
        "None of the 1 TLS 1.2 cipher suites of the Group Policy list (Functions at "
        f"{POLICY_KEY}) is accepted by AFD policy TLSv1.2_2023 (assumed, the current default: "
        "the bundle has no TLS scan of the sign-in endpoints): it accepts only TLS 1.3 and "
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256. No "
        "older AFD policy generation (TLSv1.2_2022, TLSv1.2_2019, afd-legacy-4) accepts it "
        "either; under TLSv1.2_2019 / afd-legacy-4 this PC connected with "
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 before 2026-04-01, and does not now: AFD stopped "
        "negotiating the DHE_RSA AES-GCM suites on 2026-04-01."
    )


def test_the_same_pc_collected_before_2026_04_01_still_matched_a_dhe_suite(
    cli: Any, tmp_path: Path
) -> None:
    sch = findings(cli, _win7_dhe_only(tmp_path, "2026-03-01T10:00:00+00:00"), ("SCH",))
    assert sch["SCH002"]["message"].endswith(
        "Under TLSv1.2_2019 / afd-legacy-4 this PC would connect with "
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384."
    )


def test_sch002_judges_both_ways_when_kb3042058_is_missing_from_the_hotfix_list(
    analyze: Any,
) -> None:
    from winbundles import probes, tls_scan

    scan = probes(tls_scan(policy="afd-legacy-4"))
    sch = analyze(registry(WIN7, None), hotfixes_txt=WIN7_HOTFIXES, probes_json=scan)
    finding = sch["SCH002"]
    assert status(finding) == ("SCH002", "unknown", None)
    assert finding["message"].endswith(
        "KB3042058 is not in hotfixes.txt, but a later rollup may include it (Get-HotFix lists a "
        "rollup under its own number): with KB3042058 the list would hold "
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, which is accepted (TLSv1.2); without it, none is."
    )
    with_kb = analyze(registry(WIN7, None), hotfixes_txt=WITH_KB3042058, probes_json=scan)
    assert status(with_kb["SCH002"]) == ("SCH002", "pass", None)


def test_server_2022_23h2_no_longer_enables_3des_and_dhe_gcm() -> None:
    from onedrive_doctor.knowledge.windows_families import family_for

    h2 = family_for(25398, server=True)
    assert (h2.key, h2.name) == ("server2022-23h2", "Windows Server 2022 23H2")
    for suite in ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"):
        assert suite not in h2.cipher_suites
        assert suite in h2.supported_cipher_suites
    rtm = family_for(20348, server=True)
    assert rtm.key == "server2022"
    assert "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" in rtm.cipher_suites


def test_windows_11_24h2_groups_come_from_the_24h2_groups_page() -> None:
    from onedrive_doctor.knowledge.windows_families import family_for

    for build in (26100, 26200):
        titles = [s.title for s in family_for(build, server=False).sources]
        assert "TLS supported groups in Windows 11 24H2 and later" in titles
        assert "TLS Elliptic Curves in Windows 10 version 1607 and later" not in titles
    assert "TLS supported groups in Windows 11 24H2 and later" not in [
        s.title for s in family_for(22631, server=False).sources
    ]


def test_confirmed_pages_are_no_longer_assumed() -> None:
    from onedrive_doctor.knowledge.windows_families import family_for

    w21h2 = family_for(19044, server=False)
    assert not [a for a in w21h2.assumed if "20H2 and 21H1" in a]
    assert "v20H2 and v21H1" in " ".join(s.title for s in w21h2.sources)
    s2019 = family_for(17763, server=True)
    assert not [a for a in s2019.assumed if "1809 page" in a]
