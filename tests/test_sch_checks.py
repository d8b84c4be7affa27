"""SCH001-SCH007: Schannel, the Windows TLS client, against Azure Front Door's policies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from regfiles import reg_bytes
from winbundles import (
    CBC_ONLY,
    EMPTY_SCHANNEL,
    POLICY_KEY,
    TLS12_CLIENT,
    TLS13_CLIENT,
    WIN7,
    WIN7_HOTFIXES,
    WIN8,
    WIN10_22H2,
    WIN10_HOTFIXES,
    WIN11_24H2,
    WIN81,
    bundle,
    default_registry,
    findings,
    hotfixes,
    key_exchange,
    multi_sz,
    probes,
    protocol,
    schannel,
    ssl_policy,
    status,
    tls_scan,
)

LOCAL_SSL = (
    r"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local"
    r"\SSL\00010002]"
)
ASSUMED_2023 = (
    "AFD policy TLSv1.2_2023 (assumed, the current default: the bundle has no TLS scan of the "
    "sign-in endpoints)"
)
SCH = ("SCH",)


@pytest.fixture
def analyze(cli: Any, tmp_path: Path) -> Any:
    """``analyze(registry, **files)`` -> the SCH findings of that bundle."""

    def run(registry: dict[str, list[str] | str], **files: bytes | str) -> dict[str, Any]:
        return findings(cli, bundle(tmp_path, registry, **files), SCH)

    return run


def win10_registry(*blocks: str, policy: str | None = None) -> dict[str, list[str] | str]:
    registry = default_registry(WIN10_22H2)
    registry["schannel"] = schannel(protocol("SSL 2.0", DisabledByDefault=1), *blocks)
    if policy is not None:
        registry["ssl-policy"] = policy
    return registry


# --- SCH001 tls12-client-disabled ----------------------------------------------------------------


def test_sch001_fails_when_tls12_client_is_disabled(analyze: Any) -> None:
    sch = analyze(win10_registry(protocol("TLS 1.2", Enabled=0)), hotfixes_txt=WIN10_HOTFIXES)
    finding = sch["SCH001"]
    assert status(finding) == ("SCH001", "fail", "error")
    assert finding["message"] == (
        f"TLS 1.2 client is disabled: Enabled=0 at {TLS12_CLIENT}; by default Schannel offers "
        "only TLSv1.0, TLSv1.1."
    )
    fix = finding["fix"]
    assert fix["title"] == (
        r"Set Enabled=1 and DisabledByDefault=0 under ...\SCHANNEL\Protocols\TLS 1.2\Client, "
        "then restart Windows"
    )
    assert fix["steps"][:2] == [
        f'reg add "{TLS12_CLIENT}" /v Enabled /t REG_DWORD /d 1 /f',
        f'reg add "{TLS12_CLIENT}" /v DisabledByDefault /t REG_DWORD /d 0 /f',
    ]
    assert (fix["safety"], fix["needs_admin"], fix["needs_restart"]) == (
        "needs-confirmation",
        True,
        True,
    )
    # The ad-hoc evidence["changes"] list became the fix's typed changes (issue 8).
    assert "changes" not in finding["evidence"]
    assert fix["changes"][0] == {
        "kind": "set-value",
        "hive": "HKLM",
        "key": TLS12_CLIENT.removeprefix("HKLM\\"),
        "name": "Enabled",
        "type": "REG_DWORD",
        "before_state": "present",
        "before": 0,
        "after": 1,
        "needs_admin": True,
        "needs_restart": True,
        "safety": "needs-confirmation",
        "how": None,
    }


def test_sch001_fails_when_tls12_is_disabled_by_default(analyze: Any) -> None:
    sch = analyze(win10_registry(protocol("TLS 1.2", Enabled=1, DisabledByDefault=1)))
    assert status(sch["SCH001"]) == ("SCH001", "fail", "error")
    assert sch["SCH001"]["message"].startswith(
        f"TLS 1.2 client is off by default: DisabledByDefault=1 at {TLS12_CLIENT};"
    )


def test_sch001_on_windows_8_follows_the_protocols_table_and_names_the_winhttp_layer(
    analyze: Any,
) -> None:
    # Issue 10 point 2 changed this: Microsoft's protocols table says TLS 1.2 is Enabled in
    # Schannel on Windows 8 / Server 2012; WinHTTP's own 0xA0 default is a separate layer.
    sch = analyze({"currentversion": WIN8, "schannel": EMPTY_SCHANNEL})
    finding = sch["SCH001"]
    assert status(finding) == ("SCH001", "pass", None)
    assert finding["message"] == (
        f"TLS 1.2 client is enabled on Windows 8 (build 9200) (the OS default): no values at "
        f"{TLS12_CLIENT}. This is Schannel; WinHTTP, a separate layer, asks for 0xA0 (SSL 3.0, "
        "TLS 1.0) on this PC (WHT001)."
    )


def test_sch001_passes_on_a_default_windows_10(analyze: Any) -> None:
    sch = analyze(win10_registry())
    assert status(sch["SCH001"]) == ("SCH001", "pass", None)
    assert sch["SCH001"]["message"] == (
        "TLS 1.2 client is enabled on Windows 10 22H2 (build 19045.5131) (the OS default): no "
        f"values at {TLS12_CLIENT}."
    )


def test_sch001_passes_on_windows_7_with_disabled_by_default_zero(analyze: Any) -> None:
    sch = analyze(
        {
            "currentversion": WIN7,
            "schannel": [*EMPTY_SCHANNEL, protocol("TLS 1.2", Enabled=1, DisabledByDefault=0)],
        }
    )
    assert status(sch["SCH001"]) == ("SCH001", "pass", None)
    # Issue 10 point 4: the message now says the verdict is Schannel's, not WinHTTP's.
    assert sch["SCH001"]["message"].endswith(
        f": Enabled=1, DisabledByDefault=0 at {TLS12_CLIENT}. This is Schannel; WinHTTP, a "
        "separate layer, asks for 0xA0 (SSL 3.0, TLS 1.0) on this PC (WHT001)."
    )


def test_sch001_is_unknown_without_the_schannel_export(analyze: Any) -> None:
    sch = analyze({"currentversion": WIN7})
    assert status(sch["SCH001"]) == ("SCH001", "unknown", None)
    assert sch["SCH001"]["message"] == (
        "the Schannel settings were not exported (needs registry/: "
        r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL)"
    )


# --- SCH002 no-afd-cipher-suite ------------------------------------------------------------------


def test_sch002_and_sch004_fail_on_windows_10_with_a_cbc_only_group_policy_list(
    analyze: Any,
) -> None:
    sch = analyze(win10_registry(policy=ssl_policy(CBC_ONLY)), hotfixes_txt=WIN10_HOTFIXES)
    sch002, sch004 = sch["SCH002"], sch["SCH004"]
    assert status(sch002) == ("SCH002", "fail", "error")
    assert status(sch004) == ("SCH004", "fail", "warning")
    assert sch002["message"].startswith(
        f"None of the 6 TLS 1.2 cipher suites of the Group Policy list (Functions at "
        f"{POLICY_KEY}) is accepted by {ASSUMED_2023}: it accepts only TLS 1.3 and "
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256."
    )
    # What changes under the older generations.
    assert sch002["message"].endswith(
        "Under TLSv1.2_2019 this PC would connect with TLS_RSA_WITH_AES_256_CBC_SHA256."
    )
    fix = sch002["fix"]
    assert fix["title"] == (
        "Put TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 and TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 at "
        "the top of the 'SSL Cipher Suite Order' policy"
    )
    assert fix["safety"] == "manual"
    assert "SSL Configuration Settings > SSL Cipher Suite Order" in fix["steps"][0]
    assert sch004["message"] == (
        "A Group Policy cipher suite list is set (Functions, REG_SZ, 6 suites, 191 characters, at "
        f"{POLICY_KEY}): it alone decides the enabled suites, and local changes with "
        "Enable-TlsCipherSuite have no effect."
    )
    assert sch004["fix"]["safety"] == "manual"


def test_sch002_fix_for_a_local_list_uses_enable_tlsciphersuite(analyze: Any) -> None:
    registry = win10_registry()
    registry["ssl-local"] = LOCAL_SSL + "\n" + multi_sz("Functions", CBC_ONLY)
    sch = analyze(registry)
    finding = sch["SCH002"]
    assert status(finding) == ("SCH002", "fail", "error")
    assert "of the local list (Functions at HKLM\\SYSTEM" in finding["message"]
    fix = finding["fix"]
    assert fix["title"] == (
        "Put TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 and TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 at "
        "the top with Enable-TlsCipherSuite -Position 0"
    )
    assert fix["steps"][1:3] == [
        "Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 -Position 0",
        "Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 -Position 0",
    ]
    assert (fix["safety"], fix["needs_admin"]) == ("needs-confirmation", True)


def test_sch002_passes_on_a_default_windows_10_and_says_the_policy_was_assumed(
    analyze: Any,
) -> None:
    sch = analyze(win10_registry())
    finding = sch["SCH002"]
    assert status(finding) == ("SCH002", "pass", None)
    assert finding["message"] == (
        "AFD policy TLSv1.2_2023 accepts TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (TLSv1.2) from "
        "the default list of Windows 10 22H2 (assumed: no cipher-suites.txt). AFD policy "
        "TLSv1.2_2023 was assumed, the current default: the bundle has no TLS scan of the "
        "sign-in endpoints."
    )
    assert finding["evidence"]["front_door"]["measured"] is False
    assert any("cipher-suites.txt" in note for note in finding["evidence"]["assumed"])


def test_sch002_reads_the_live_list_from_cipher_suites_txt(analyze: Any) -> None:
    live = "Name\r\n----\r\n" + "\r\n".join(CBC_ONLY) + "\r\n"
    sch = analyze(win10_registry(), cipher_suites_txt=live)
    assert status(sch["SCH002"]) == ("SCH002", "fail", "error")
    assert "Get-TlsCipherSuite (cipher-suites.txt)" in sch["SCH002"]["message"]


def test_sch002_on_windows_7_judges_the_list_as_if_tls12_were_on(analyze: Any) -> None:
    sch = analyze({"currentversion": WIN7, "schannel": EMPTY_SCHANNEL}, hotfixes_txt=WIN7_HOTFIXES)
    finding = sch["SCH002"]
    assert status(finding) == ("SCH002", "fail", "error")
    assert "without KB3042058 (not in hotfixes.txt)" in finding["message"]
    assert finding["message"].endswith(
        "Judged as if TLS 1.2 were on: it is off on this PC (SCH001)."
    )
    assert finding["fix"]["title"] == (
        "Upgrade Windows: Windows 7 SP1 implements no suite AFD policy TLSv1.2_2023 accepts (OS001)"
    )


def test_sch002_is_unknown_without_tls_settings(analyze: Any) -> None:
    sch = analyze({"currentversion": WIN10_22H2})
    assert status(sch["SCH002"]) == ("SCH002", "unknown", None)
    assert sch["SCH002"]["message"] == (
        "the Schannel settings were not exported, so the cipher suite list is unknown (needs "
        r"registry/: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL, or "
        "cipher-suites.txt)"
    )


def test_sch002_is_unknown_when_cipher_suites_txt_is_unreadable(analyze: Any) -> None:
    sch = analyze(win10_registry(), cipher_suites_txt="Name\r\n----\r\n!!! not a suite\r\n")
    assert status(sch["SCH002"]) == ("SCH002", "unknown", None)
    assert sch["SCH002"]["message"].startswith("unreadable evidence: cipher-suites.txt:3: ")
    # SCH001 does not read the file, so it still answers.
    assert status(sch["SCH001"]) == ("SCH001", "pass", None)


# --- SCH003 afd-suites-not-preferred -------------------------------------------------------------


def test_sch003_warns_when_cbc_suites_rank_above_the_afd_suites(analyze: Any) -> None:
    order = (*CBC_ONLY[:3], "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
    registry = win10_registry()
    registry["ssl-local"] = LOCAL_SSL + "\n" + multi_sz("Functions", order)
    sch = analyze(registry)
    finding = sch["SCH003"]
    assert status(finding) == ("SCH003", "fail", "warning")
    assert finding["message"].startswith(
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, the first suite AFD policy TLSv1.2_2023 accepts, "
        "is only #4 of 4 TLS 1.2 suites in the local list"
    )
    assert (
        "3 CBC or non-forward-secret suite(s) it does not accept rank above it"
        in (finding["message"])
    )
    assert finding["fix"]["steps"][1] == (
        "Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 -Position 0"
    )
    assert status(sch["SCH002"]) == ("SCH002", "pass", None)


def test_sch003_passes_when_only_aead_suites_rank_above(analyze: Any) -> None:
    sch = analyze(win10_registry())
    assert status(sch["SCH003"]) == ("SCH003", "pass", None)
    assert "is #3 of 18 TLS 1.2 suites" in sch["SCH003"]["message"]


def test_sch003_does_not_apply_when_no_afd_suite_is_enabled(analyze: Any) -> None:
    sch = analyze(win10_registry(policy=ssl_policy(CBC_ONLY)))
    assert status(sch["SCH003"]) == ("SCH003", "not_applicable", None)


def test_sch003_is_unknown_without_tls_settings(analyze: Any) -> None:
    sch = analyze({"currentversion": WIN10_22H2})
    assert status(sch["SCH003"]) == ("SCH003", "unknown", None)


# --- SCH004 cipher-order-policy-override ---------------------------------------------------------


def test_sch004_reports_a_list_longer_than_the_policy_limit(analyze: Any) -> None:
    long_list = [f"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384_{i:03d}" for i in range(30)]
    sch = analyze(win10_registry(policy=ssl_policy(long_list)))
    finding = sch["SCH004"]
    assert status(finding) == ("SCH004", "fail", "warning")
    assert finding["evidence"]["length"] > 1023
    assert finding["message"].endswith(
        "It is longer than the 1,023 characters the policy allows: suites past the limit may be "
        "cut off."
    )


def test_sch004_passes_when_the_policy_key_has_no_functions(analyze: Any) -> None:
    sch = analyze(win10_registry(policy=ssl_policy()))
    assert status(sch["SCH004"]) == ("SCH004", "pass", None)
    assert sch["SCH004"]["message"] == (
        f"No Group Policy cipher suite order is set: no Functions value at {POLICY_KEY}."
    )


def test_sch004_is_unknown_when_no_tls_settings_were_collected(analyze: Any) -> None:
    sch = analyze({"currentversion": WIN10_22H2})
    assert status(sch["SCH004"]) == ("SCH004", "unknown", None)
    assert sch["SCH004"]["message"].startswith(
        "neither the SSL policy key nor SCHANNEL was exported"
    )


# --- SCH005 key-exchange-disabled ----------------------------------------------------------------


def test_sch005_is_an_error_when_ecdh_off_removes_every_afd_suite(analyze: Any) -> None:
    sch = analyze(win10_registry(key_exchange("ECDH", 0)))
    finding = sch["SCH005"]
    assert status(finding) == ("SCH005", "fail", "error")
    assert finding["message"].startswith(
        r"The ECDH key exchange is switched off (Enabled=0 at HKLM\SYSTEM\CurrentControlSet"
        r"\Control\SecurityProviders\SCHANNEL\KeyExchangeAlgorithms\ECDH): it removes 12 suite(s)"
    )
    assert (
        "with the switch on this PC would connect with TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
        in (finding["message"])
    )
    assert finding["fix"]["steps"][0] == (
        r'reg delete "HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL'
        r'\KeyExchangeAlgorithms\ECDH" /v Enabled /f'
    )
    # SCH002 sees the same loss and sends the user to the switch.
    assert status(sch["SCH002"]) == ("SCH002", "fail", "error")
    assert sch["SCH002"]["fix"]["title"].startswith("Switch the ECDH key exchange back on")


def test_sch005_is_a_warning_when_dh_off_leaves_an_ecdhe_path(analyze: Any) -> None:
    sch = analyze(win10_registry(key_exchange("Diffie-Hellman", 0)))
    assert status(sch["SCH005"]) == ("SCH005", "fail", "warning")


def test_sch005_is_an_error_on_windows_81_when_dh_off_cuts_the_legacy_afd_path(
    analyze: Any,
) -> None:
    registry = {
        "currentversion": WIN81,
        "schannel": [*EMPTY_SCHANNEL, key_exchange("Diffie-Hellman", 0)],
    }
    sch = analyze(
        registry,
        hotfixes_txt=hotfixes("KB2919355", "KB3042058"),
        probes_json=probes(tls_scan(policy="afd-legacy-4")),
    )
    assert status(sch["SCH005"]) == ("SCH005", "fail", "error")


def test_sch005_passes_with_both_exchanges_on(analyze: Any) -> None:
    sch = analyze(win10_registry(key_exchange("ECDH", 0xFFFFFFFF)))
    assert status(sch["SCH005"]) == ("SCH005", "pass", None)


def test_sch005_is_unknown_without_the_schannel_export(analyze: Any) -> None:
    sch = analyze(
        {"currentversion": WIN10_22H2}, cipher_suites_txt="Name\r\n----\r\n" + CBC_ONLY[0]
    )
    assert status(sch["SCH005"]) == ("SCH005", "unknown", None)


# --- SCH006 no-nist-curve ------------------------------------------------------------------------


def test_sch006_fails_when_the_curve_policy_lists_only_curve25519(analyze: Any) -> None:
    sch = analyze(win10_registry(policy=ssl_policy(curves=["curve25519"])))
    finding = sch["SCH006"]
    assert status(finding) == ("SCH006", "fail", "error")
    assert finding["message"] == (
        f"The enabled ECC curves in the ECC Curve Order policy (EccCurves at {POLICY_KEY}) "
        "(x25519) lack NIST P-256 (secp256r1) and P-384 (secp384r1): no ECDHE suite and no TLS "
        "1.3 handshake with Azure Front Door can agree on a curve."
    )
    assert finding["fix"]["safety"] == "manual"
    # SCH002 does not blame the suite list for a curve problem.
    assert status(sch["SCH002"]) == ("SCH002", "pass", None)
    assert "no NIST curve is enabled for it (SCH006)" in sch["SCH002"]["message"]


def test_sch006_fix_without_a_policy_uses_enable_tlsecccurve(analyze: Any) -> None:
    sch = analyze(win10_registry(), ecc_curves_txt="curve25519\r\n")
    finding = sch["SCH006"]
    assert status(finding) == ("SCH006", "fail", "error")
    assert "Enable-TlsEccCurve -Name NistP256" in finding["fix"]["steps"]


def test_sch006_passes_with_the_curves_of_get_tlsecccurve(analyze: Any) -> None:
    sch = analyze(win10_registry(), ecc_curves_txt="curve25519\r\nNistP256\r\nNistP384\r\n")
    assert status(sch["SCH006"]) == ("SCH006", "pass", None)
    assert sch["SCH006"]["message"] == (
        "NIST curve(s) secp256r1, secp384r1 are enabled in Get-TlsEccCurve (ecc-curves.txt)."
    )


def test_sch006_does_not_apply_before_windows_10(analyze: Any) -> None:
    sch = analyze({"currentversion": WIN81, "schannel": EMPTY_SCHANNEL})
    assert status(sch["SCH006"]) == ("SCH006", "not_applicable", None)


def test_sch006_is_unknown_without_curve_evidence(analyze: Any) -> None:
    sch = analyze({"currentversion": WIN10_22H2})
    assert status(sch["SCH006"]) == ("SCH006", "unknown", None)


# --- SCH007 tls13-client-enabled-unsupported -----------------------------------------------------


def test_sch007_warns_when_tls13_is_forced_on_windows_10(analyze: Any) -> None:
    sch = analyze(win10_registry(protocol("TLS 1.3", Enabled=1, DisabledByDefault=0)))
    finding = sch["SCH007"]
    assert status(finding) == ("SCH007", "fail", "warning")
    assert finding["message"] == (
        f"TLS 1.3 client is forced on (Enabled=1, DisabledByDefault=0 at {TLS13_CLIENT}) on "
        "Windows 10 22H2 (build 19045.5131), which does not support TLS 1.3: Microsoft calls "
        'that "not a safe system configuration".'
    )
    assert finding["fix"]["steps"][:2] == [
        f'reg delete "{TLS13_CLIENT}" /v Enabled /f',
        f'reg delete "{TLS13_CLIENT}" /v DisabledByDefault /f',
    ]


def test_sch007_passes_when_tls13_is_left_alone(analyze: Any) -> None:
    sch = analyze(win10_registry(protocol("TLS 1.3", Enabled=0)))
    assert status(sch["SCH007"]) == ("SCH007", "pass", None)


def test_sch007_does_not_apply_on_windows_11(analyze: Any) -> None:
    registry = default_registry(WIN11_24H2)
    registry["schannel"] = schannel(protocol("TLS 1.3", Enabled=1, DisabledByDefault=0))
    sch = analyze(registry)
    assert status(sch["SCH007"]) == ("SCH007", "not_applicable", None)


def test_sch007_is_unknown_without_the_schannel_export(analyze: Any) -> None:
    sch = analyze({"currentversion": WIN10_22H2})
    assert status(sch["SCH007"]) == ("SCH007", "unknown", None)


# --- every SCH check: other OS, no evidence, unreadable files ------------------------------------


def test_sch_checks_do_not_apply_to_a_linux_bundle(cli: Any, tmp_path: Path) -> None:
    from regfiles import WINDOWS_MANIFEST, write_bundle

    root = write_bundle(tmp_path, {"manifest.json": WINDOWS_MANIFEST.replace("Windows", "Linux")})
    sch = findings(cli, root, SCH)
    assert {k: f["status"] for k, f in sch.items()} == dict.fromkeys(sch, "not_applicable")
    assert len(sch) == 8  # SCH008 landed (issue 10)


def test_sch_checks_are_unknown_without_current_version(analyze: Any) -> None:
    sch = analyze({"schannel": EMPTY_SCHANNEL})
    for check_id, finding in sch.items():
        assert status(finding) == (check_id, "unknown", None)
        assert finding["message"].startswith(
            r"no Windows evidence in this bundle (needs registry/: HKLM\SOFTWARE\Microsoft"
            r"\Windows NT\CurrentVersion"
        )


@pytest.mark.parametrize(
    ("damage", "where"),
    [
        ("bad-header", "registry/schannel.reg:1: not a registry export"),
        ("truncated", "registry/schannel.reg:5: truncated UTF-16 file"),
        ("broken-hex", "registry/schannel.reg:4: bad hex byte 'zz'"),
    ],
)
def test_a_malformed_reg_file_makes_every_sch_check_unknown_with_file_and_line(
    cli: Any, tmp_path: Path, damage: str, where: str
) -> None:
    key = r"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL]"
    if damage == "bad-header":
        data = b"\xff\xfe" + f"Windows Registry Editor Version 4.00\r\n\r\n{key}\r\n".encode(
            "utf-16-le"
        )
    elif damage == "truncated":
        data = reg_bytes(key + '\n"EventLogging"=dword:00000001')[:-1]
    else:
        data = reg_bytes(key + '\n"Broken"=hex(7):54,00,zz,00')
    root = bundle(tmp_path, {"currentversion": WIN10_22H2})
    (root / "registry" / "schannel.reg").write_bytes(data)
    sch = findings(cli, root, SCH)
    for check_id, finding in sch.items():
        assert status(finding) == (check_id, "unknown", None)
        assert finding["message"].startswith(f"unreadable evidence: {where}")


def test_sch002_uses_the_measured_policy_and_names_the_endpoint(analyze: Any) -> None:
    registry = win10_registry(policy=ssl_policy(CBC_ONLY))
    sch = analyze(registry, probes_json=probes(tls_scan(policy="TLSv1.2_2022")))
    finding = sch["SCH002"]
    assert status(finding) == ("SCH002", "fail", "error")
    assert (
        "is accepted by login.microsoftonline.com:443 (measured: AFD policy TLSv1.2_2022): it "
        "accepts only TLS 1.3 and TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, "
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256."
    ) in finding["message"]
    assert "assumed" not in finding["message"]
    assert finding["evidence"]["front_door"]["measured"] is True


def test_sch002_fix_never_puts_a_weak_suite_first(analyze: Any) -> None:
    # Given a peer that accepts RC4 and 3DES besides one strong suite, in code order
    scan = tls_scan()
    scan["result"]["afd_policy"] = None
    scan["result"]["protocols"]["TLSv1.2"]["cipher_suites"] = [
        {"name": "TLS_RSA_WITH_RC4_128_MD5", "code": "0x0004"},
        {"name": "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "code": "0x000A"},
        {"name": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "code": "0xC02F"},
    ]
    scan["result"]["protocols"]["TLSv1.3"] = {"accepted": False, "cipher_suites": []}
    only_ecdsa = ssl_policy(["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"])
    sch = analyze(
        win10_registry(policy=only_ecdsa), hotfixes_txt=WIN10_HOTFIXES, probes_json=probes(scan)
    )
    finding = sch["SCH002"]
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    fix = json.dumps(finding["fix"])
    assert "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" in fix
    assert "RC4" not in fix and "3DES" not in fix
