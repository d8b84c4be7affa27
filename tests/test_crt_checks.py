"""CRT001 root-store-incomplete: certutil / Get-ChildItem root listings and the AuthRoot policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from winbundles import (
    WIN10_22H2,
    bundle,
    default_registry,
    findings,
    probes,
    status,
    tls_scan,
)

ROOTS = Path(__file__).parent / "fixtures" / "roots"
CERTUTIL_EN = (ROOTS / "certutil_store_root_en_win10.txt").read_bytes()
CERTUTIL_DE = (ROOTS / "certutil_store_root_de_cp850.txt").read_bytes()  # no DigiCert G2
POWERSHELL = (ROOTS / "get_childitem_cert_root_utf16.txt").read_bytes()
AUTHROOT = r"HKLM\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot"
AUTHROOT_KEY = r"[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot]"
G2 = "DigiCert Global Root G2 (SHA-1 DF3C24F9BFD666761B268073FE06D1CC8D4F82A4)"
DOCUMENTED = (
    "Microsoft documents for Microsoft 365 and Entra ID endpoints (assumed: the bundle has no "
    "TLS scan with a certificate chain)"
)


def authroot(disable: int | None) -> str:
    """The AuthRoot policy key as `reg export` writes it (without the value: the key only)."""
    if disable is None:
        return AUTHROOT_KEY
    return f'{AUTHROOT_KEY}\n"DisableRootAutoUpdate"=dword:{disable:08x}'


@pytest.fixture
def analyze(cli: Any, tmp_path: Path) -> Any:
    """``analyze(policy, **files)`` -> CRT001 of a Windows 10 bundle."""

    def run(policy: str | None = None, **files: bytes | str) -> dict[str, Any]:
        registry = default_registry(WIN10_22H2)
        if policy is not None:
            registry["authroot-policy"] = policy
        return findings(cli, bundle(tmp_path, registry, **files), ("CRT",))["CRT001"]

    return run


def test_crt001_fails_on_a_german_pc_without_g2_and_with_root_update_off(analyze: Any) -> None:
    found = analyze(authroot(1), root_store_txt=CERTUTIL_DE)
    assert status(found) == ("CRT001", "fail", "error")
    assert found["message"] == (
        "DigiCert Global Root G2 is missing from the PC's root store and automatic root update "
        "is off, so Windows cannot trust the sign-in endpoints' certificates and the TLS handshake "
        f"fails on the PC's side. Missing: {G2}, the root {DOCUMENTED}; the store lists 6 "
        f"certificates (certutil); DisableRootAutoUpdate=1 at {AUTHROOT}: automatic root update "
        "is off."
    )
    fix = found["fix"]
    assert fix["title"] == (
        "Import DigiCert Global Root G2 into the Trusted Root Certification Authorities store "
        "and turn automatic root update back on"
    )
    assert fix["safety"] == "manual"
    assert fix["needs_admin"] is True
    download, command, policy = fix["changes"]
    assert download == {
        "kind": "manual",
        "text": "Download DigiCert Global Root G2 as DigiCertGlobalRootG2.crt, check that its "
        "SHA-1 thumbprint is DF3C24F9BFD666761B268073FE06D1CC8D4F82A4, from",
        "link": "https://www.digicert.com/kb/digicert-root-certificates.htm",
        "needs_admin": True,
        "needs_restart": False,
        "safety": "manual",
    }
    assert command["kind"] == "run-command"
    assert command["command"] == 'certutil -addstore root "DigiCertGlobalRootG2.crt"'
    assert command["undo"] == "certutil -delstore root DF3C24F9BFD666761B268073FE06D1CC8D4F82A4"
    assert (command["shell"], command["safety"], command["needs_admin"]) == ("cmd", "manual", True)
    assert policy["kind"] == "manual"
    assert policy["text"].startswith(
        'Have the Group Policy setting "Turn off Automatic Root Certificates Update" '
        "(Computer Configuration > Administrative Templates > System > Internet Communication "
        "Management > Internet Communication settings) set back to Not Configured or Disabled"
    )
    assert policy["link"] == (
        "https://learn.microsoft.com/windows-server/identity/ad-cs/"
        "configure-trusted-roots-disallowed-certificates"
    )
    assert found["evidence"]["missing"] == ["DigiCert Global Root G2"]
    assert found["evidence"]["store"] == {"certificates": 6, "listed_by": "certutil"}


@pytest.mark.parametrize("listing", [CERTUTIL_EN, POWERSHELL], ids=["certutil", "powershell"])
def test_crt001_passes_when_the_store_holds_g2(analyze: Any, listing: bytes) -> None:
    found = analyze(authroot(1), root_store_txt=listing)
    assert status(found) == ("CRT001", "pass", None)
    source = "certutil" if listing is CERTUTIL_EN else "powershell"
    assert found["message"] == (
        f"The PC's root store (8 certificates, {source}) holds DigiCert Global Root G2 (SHA-1 "
        f"DF3C24F9BFD666761B268073FE06D1CC8D4F82A4), the root {DOCUMENTED}."
    )


@pytest.mark.parametrize(
    ("policy", "why"),
    [
        (authroot(0), f"DisableRootAutoUpdate=0 at {AUTHROOT}: automatic root update is on"),
        (authroot(None), f"no DisableRootAutoUpdate at {AUTHROOT} (the default: on)"),
        ("ERROR: The system was unable to find the specified registry key or value.\r\n", None),
    ],
    ids=["zero", "no-value", "no-key"],
)
def test_crt001_passes_a_missing_root_while_root_update_is_on(
    cli: Any, tmp_path: Path, policy: str, why: str | None
) -> None:
    registry = default_registry(WIN10_22H2)
    root = bundle(tmp_path, registry, root_store_txt=CERTUTIL_DE)
    if policy.startswith("ERROR"):
        (root / "registry" / "authroot-policy.reg").write_text(policy)
        why = f"{AUTHROOT} does not exist (the default: on)"
    else:
        (root / "registry" / "authroot-policy.reg").write_bytes(
            bundle(tmp_path / "x", {"p": policy}).joinpath("registry", "p.reg").read_bytes()
        )
    found = findings(cli, root, ("CRT",))["CRT001"]
    assert status(found) == ("CRT001", "pass", None)
    assert found["message"] == (
        f"{G2} is not in the PC's root store (6 certificates), but automatic root update is on "
        f"({why}): Windows fetches the root from Windows Update the first time a chain needs it "
        "(ctldl.windowsupdate.com must be reachable)."
    )


def test_crt001_reads_a_policy_key_missing_under_an_exported_parent(analyze: Any) -> None:
    parent = r"[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\SystemCertificates]"
    found = analyze(parent, root_store_txt=CERTUTIL_DE)
    assert status(found) == ("CRT001", "pass", None)
    assert found["evidence"]["policy"] == f"{AUTHROOT} does not exist (the default: on)"


def test_crt001_is_unknown_when_root_update_state_was_not_collected(analyze: Any) -> None:
    found = analyze(None, root_store_txt=CERTUTIL_DE)
    assert status(found) == ("CRT001", "unknown", None)
    assert found["message"] == (
        f"{G2} is not in the PC's root store (6 certificates), and whether automatic root "
        f"update is off is unknown: {AUTHROOT} was not exported (needs registry/: {AUTHROOT})"
    )


def test_crt001_is_unknown_without_root_store_txt(analyze: Any) -> None:
    found = analyze(authroot(1))
    assert status(found) == ("CRT001", "unknown", None)
    assert found["message"] == (
        "no root-store.txt in this bundle, so the PC's trusted roots are unknown (needs "
        "`certutil -store root` or `Get-ChildItem Cert:\\LocalMachine\\Root`)"
    )


def test_crt001_is_unknown_when_certutil_failed(analyze: Any) -> None:
    text = "CertUtil: -store command FAILED: 0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)\r\n"
    found = analyze(authroot(1), root_store_txt=text)
    assert status(found) == ("CRT001", "unknown", None)
    assert found["message"] == (
        "unreadable evidence: root-store.txt: certutil failed: CertUtil: -store command FAILED: "
        "0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)"
    )


def test_crt001_judges_the_root_the_scanned_chain_ends_in(analyze: Any) -> None:
    scan = tls_scan()
    scan["result"]["certificate_chain"] = [
        {
            "subject": "CN=stamp2.login.microsoftonline.com",
            "issuer": "CN=DigiCert SHA2 Secure Server CA,O=DigiCert Inc,C=US",
        },
        {
            "subject": "CN=DigiCert SHA2 Secure Server CA,O=DigiCert Inc,C=US",
            "issuer": "CN=DigiCert Global Root CA,OU=www.digicert.com,O=DigiCert Inc,C=US",
        },
    ]
    # The German store has DigiCert Global Root CA: the scanned chain needs that one, not G2.
    found = analyze(authroot(1), root_store_txt=CERTUTIL_DE, probes_json=probes(scan))
    assert status(found) == ("CRT001", "pass", None)
    assert found["message"] == (
        "The PC's root store (6 certificates, certutil) holds DigiCert Global Root CA (SHA-1 "
        "A8985D3A65E5E5C4B2D7D66D40C6DD2FB19C5436), the root the scanned endpoints' chains end "
        "in (TLS scan)."
    )
    assert found["evidence"]["required"] == [
        {
            "name": "DigiCert Global Root CA",
            "sha1": "A8985D3A65E5E5C4B2D7D66D40C6DD2FB19C5436",
            "why": "that login.microsoftonline.com's chain ends in (TLS scan)",
        }
    ]


def test_crt001_ignores_a_chain_re_signed_on_the_path(analyze: Any) -> None:
    scan = tls_scan()
    scan["result"]["certificate_chain"] = [
        {"subject": "CN=login.microsoftonline.com", "issuer": "CN=Contoso Inspection CA,O=Contoso"}
    ]
    found = analyze(authroot(1), root_store_txt=CERTUTIL_DE, probes_json=probes(scan))
    assert status(found) == ("CRT001", "fail", "error")
    assert found["evidence"]["basis"] == DOCUMENTED
