"""SCH008 crypto-policy-malformed, the linter of issue 13 point 3.

Every bundle is written in `reg export`'s own format (UTF-16LE with a BOM, REG_MULTI_SZ as
hex(7) continuation lines): the spaced EccCurves element is what ansible-lockdown's
Windows-10-STIG role wrote for WN10-CC-000052 (issue 21: Office sign-in broke, deleting the value
fixed it); the suffixed names are the old STIG/CIS lists of OfficeDocs-Support issue 1703.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import winbundles as wb

LOCAL_KEY = r"HKLM\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002"
LOCAL_EXPORT = rf"HKEY_LOCAL_MACHINE{LOCAL_KEY[4:]}"
ARTICLE_GCM = ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
TLS13 = ("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256")
GPO = "Computer Configuration > Administrative Templates > Network > SSL Configuration Settings"
RESTART = (
    "Restart Windows: Schannel reads these lists when it starts. If `gpupdate /force` brings an "
    "old policy list back, a domain GPO sets it: ask its owner to change it."
)


@pytest.fixture
def sch(cli: Any, tmp_path: Path) -> Any:
    def run(version: str, *blocks: str) -> dict[str, Any]:
        registry = wb.default_registry(version)
        registry["ssl"] = list(blocks)
        return wb.findings(cli, wb.bundle(tmp_path, registry), ("SCH",))

    return run


def policy(*lines: str) -> str:
    return "\n".join([f"[{wb.SSL_POLICY}]", *lines])


def local(*lines: str) -> str:
    return "\n".join([f"[{LOCAL_EXPORT}]", *lines])


def steps(finding: dict[str, Any]) -> list[str]:
    return list(finding["fix"]["steps"])


def test_one_spaced_eccurves_element_leaves_no_curve(sch: Any) -> None:
    found = sch(
        wb.WIN10_22H2,
        policy(wb.multi_sz("EccCurves", ["NistP384 NistP256"])),
    )
    sch008 = found["SCH008"]
    assert wb.status(sch008) == ("SCH008", "fail", "warning")
    assert sch008["message"].startswith(
        f"The configured lists at {wb.POLICY_KEY} hold what Windows cannot use: EccCurves "
        "elements with spaces: 'NistP384 NistP256' (one element is one curve name: Windows "
        "knows no curve of that name; a hardening role writes the list so, and deleting the "
        "value fixed Office sign-in); no curve Windows knows is left in the ECC Curve Order, so "
        "no ECDHE suite and no TLS 1.3 can work. "
    )
    assert sch008["message"].endswith(" TLS 1.2 suites remain usable.")
    assert sch008["evidence"]["spaced_curves"] == ["NistP384 NistP256"]
    assert not [s for s in sch008["evidence"]["usable_suites"] if s.startswith("TLS_ECDHE_")]
    # The same value makes SCH006 fail: the two checks agree.
    assert wb.status(found["SCH006"]) == ("SCH006", "fail", "error")
    fix = sch008["fix"]
    assert fix["safety"] == "manual"
    assert steps(sch008) == [
        f"In {GPO} open ECC Curve Order and set it to Not Configured (Windows' default curves: "
        "deleting this value is what fixed Office sign-in after a hardening role wrote it), or "
        "enter one curve per line: NistP384, NistP256.",
        RESTART,
    ]


def test_multi_sz_functions_policy_is_the_wrong_type_and_the_gpo_gets_one_line(sch: Any) -> None:
    sch008 = sch(wb.WIN10_22H2, policy(wb.multi_sz("Functions", ARTICLE_GCM)))["SCH008"]
    assert wb.status(sch008) == ("SCH008", "fail", "warning")
    assert sch008["message"] == (
        f"The configured lists at {wb.POLICY_KEY} hold what Windows cannot use: the policy's "
        "Functions is REG_MULTI_SZ, not REG_SZ. 2 TLS 1.2 suites remain usable."
    )
    assert steps(sch008)[0] == (
        f"Run gpedit.msc, open {GPO} > SSL Cipher Suite Order and set it to "
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (one "
        "comma-separated line, no spaces)."
    )


def test_curve_suffixed_names_on_windows_11_are_flagged_and_written_plain(sch: Any) -> None:
    names = (
        *TLS13,
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256",
    )
    sch008 = sch(wb.WIN11_24H2, wb.ssl_policy(names))["SCH008"]
    assert wb.status(sch008) == ("SCH008", "fail", "warning")
    assert sch008["message"] == (
        f"The configured lists at {wb.POLICY_KEY} hold what Windows cannot use: names in the "
        "Windows 7 / 8.1 form with a curve suffix, which Windows 11 24H2 ignores (the ECC Curve "
        "Order picks the curve): TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384, "
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256. 2 TLS 1.2 suites remain usable."
    )
    assert steps(sch008)[0] == (
        f"Run gpedit.msc, open {GPO} > SSL Cipher Suite Order and set it to "
        "TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,"
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 (one comma-separated line, no spaces)."
    )


def test_tls13_on_with_no_tls13_suite_left(sch: Any) -> None:
    sch008 = sch(wb.WIN11_24H2, wb.ssl_policy(ARTICLE_GCM))["SCH008"]
    assert wb.status(sch008) == ("SCH008", "fail", "warning")
    assert sch008["message"] == (
        f"The configured lists at {wb.POLICY_KEY} hold what Windows cannot use: TLS 1.3 is on "
        "but the list holds no TLS 1.3 suite (TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256): "
        "Windows cannot offer TLS 1.3, which the front door prefers. 2 TLS 1.2 suites remain "
        "usable."
    )
    assert steps(sch008)[0] == (
        f"Run gpedit.msc, open {GPO} > SSL Cipher Suite Order and set it to "
        "TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,"
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (one comma-separated line, no spaces)."
    )


def test_a_list_past_1023_characters_says_what_windows_cuts(sch: Any) -> None:
    from onedrive_doctor.knowledge.windows_families import family_for
    from onedrive_doctor.windows.client_model import implemented_suites

    family = family_for(19045, server=False)
    names = sorted(implemented_suites(family, None))
    text = ",".join(names)
    assert len(text) > 1023, "the test needs a list longer than the policy's limit"
    kept, position = [], 0
    for name in names:
        if position + len(name) > 1023:
            break
        kept.append(name)
        position += len(name) + 1
    broken = names[len(kept)]
    lost = names[len(kept) + 1 :]
    sch008 = sch(wb.WIN10_22H2, wb.ssl_policy(names))["SCH008"]
    assert wb.status(sch008) == ("SCH008", "fail", "warning")
    expected = (
        f"Functions is {len(text):,} characters: Windows uses the first 1,023 only, so it cuts "
        f"{broken} to {text[position:1023]!r}"
    )
    if lost:
        expected += f" and drops the {len(lost)} names after it: {', '.join(lost)}"
    assert expected in sch008["message"]
    assert sch008["evidence"]["cut_suites"] == [broken, *lost]
    assert not set(sch008["evidence"]["usable_suites"]) & {broken, *lost}
    assert steps(sch008)[0].endswith(
        "and shorten it to 1,023 characters by removing weak suites from the end (one "
        "comma-separated line, no spaces)."
    )


def test_local_list_of_the_wrong_type_is_rewritten_as_a_journaled_multi_sz(sch: Any) -> None:
    sch008 = sch(
        wb.WIN10_22H2,
        local(f'"Functions"="{ARTICLE_GCM[0]},TLS_BOGUS_SUITE,{ARTICLE_GCM[1]}"'),
    )["SCH008"]
    assert wb.status(sch008) == ("SCH008", "fail", "warning")
    assert sch008["message"] == (
        f"The configured lists at {LOCAL_KEY} hold what Windows cannot use: the local Functions "
        "is REG_SZ, not REG_MULTI_SZ; unknown suite names: TLS_BOGUS_SUITE. 2 TLS 1.2 suites "
        "remain usable."
    )
    fix = sch008["fix"]
    assert fix["safety"] == "needs-confirmation"
    write = fix["changes"][0]
    assert {k: write[k] for k in ("kind", "hive", "key", "name", "type", "after", "before")} == {
        "kind": "set-value",
        "hive": "HKLM",
        "key": LOCAL_KEY[5:],
        "name": "Functions",
        "type": "REG_MULTI_SZ",
        "after": list(ARTICLE_GCM),
        "before": f"{ARTICLE_GCM[0]},TLS_BOGUS_SUITE,{ARTICLE_GCM[1]}",
    }
    assert (write["needs_admin"], write["needs_restart"]) == (True, True)
    assert steps(sch008)[0] == (
        f'In an elevated Command Prompt, run reg add "{LOCAL_KEY}" /v Functions /t REG_MULTI_SZ '
        f'/d "{ARTICLE_GCM[0]}\\0{ARTICLE_GCM[1]}" /f'
    )


def test_local_spaced_curve_element_is_split_into_curves(sch: Any) -> None:
    sch008 = sch(
        wb.WIN10_22H2,
        local(
            wb.multi_sz("Functions", ARTICLE_GCM), wb.multi_sz("EccCurves", ["NistP384 NistP256"])
        ),
    )["SCH008"]
    assert wb.status(sch008) == ("SCH008", "fail", "warning")
    write = sch008["fix"]["changes"][0]
    assert (write["kind"], write["name"], write["after"], write["before"]) == (
        "set-value",
        "EccCurves",
        ["NistP384", "NistP256"],
        ["NistP384 NistP256"],
    )


def test_a_clean_windows_11_policy_with_tls13_suites_and_curves_passes(sch: Any) -> None:
    found = sch(wb.WIN11_24H2, wb.ssl_policy((*TLS13, *ARTICLE_GCM), ("NistP384", "NistP256")))
    assert wb.status(found["SCH008"]) == ("SCH008", "pass", None)
    assert found["SCH008"]["message"] == (
        f"The configured lists at {wb.POLICY_KEY} hold only names Windows 11 24H2 implements, in "
        "the expected types."
    )
