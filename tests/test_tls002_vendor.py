"""TLS002 says who intercepts (the vendor, from the issuer) and whether it may be intended.

Real TLS servers on 127.0.0.1 present chains made with trustme whose issuer names are the
inspection products' own (organisation and common names as the vendors document them).
"""

from __future__ import annotations

import ssl
from typing import Any

import pytest
import trustme

from onedrive_doctor.knowledge.interception_vendors import (
    MAY_BE_INTENDED,
    MUST_BYPASS,
    VENDORS,
    dn_values,
    identify_vendor,
    interception_kind,
)
from servers.web import web_server

LOGIN = "login.microsoftonline.com"
DEVICE = "device.login.microsoftonline.com"
PRINCIPLES = "https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-network-connectivity-principles"


def _inspector(organization: str, unit: str | None = None) -> trustme.CA:
    """The re-signing CA, named (O and OU) like the vendor's own."""
    return trustme.CA(organization_name=organization, organization_unit_name=unit)


def _context(ca: trustme.CA, *hosts: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert(*hosts).configure_cert(context)
    return context


def _diagnose(cli: Any, port: int, *hosts: str) -> Any:
    args = ["diagnose", "--format", "json", "--timeout", "2", "--budget", "8"]
    for host in hosts:
        args += ["--endpoint", f"{host}:{port}", "--resolve", f"{host}:{port}:127.0.0.1"]
    return cli(*args, "--probe-url", "http://127.0.0.1:9/")


def test_zscaler_on_the_login_host_may_be_intended_and_names_the_vendor(cli: Any) -> None:
    # Given a Zscaler-named CA re-signing login.microsoftonline.com
    ca = _inspector("Zscaler Inc.", "Zscaler Root CA")
    with web_server("endpoint", _context(ca, LOGIN)) as endpoint:
        result = _diagnose(cli, endpoint.port, LOGIN)
    finding = result.finding("TLS002")
    # Then TLS002 fails, names Zscaler, and says interception there can be intended
    assert (finding["id"], finding["status"], finding["severity"]) == ("TLS002", "fail", "error")
    assert "(Zscaler), not by Microsoft's certificate authorities" in finding["message"]
    assert (
        f"On {LOGIN} it can be intended (Tenant Restrictions v1 intercepts the sign-in hosts"
        in finding["message"]
    )
    assert "must be bypassed" not in finding["message"]
    evidence = finding["evidence"]
    assert evidence["vendor"] == "Zscaler"
    assert evidence["vendor_guidance"] == "https://help.zscaler.com/zia/about-ssl-inspection-policy"
    assert evidence["may_be_intended"] == [LOGIN]
    assert evidence["must_bypass"] == []
    assert evidence["reissued"][0]["kind"] == MAY_BE_INTENDED
    assert "Zscaler Inc." in evidence["issuer"]
    # And the fix gives Zscaler's "do not inspect" setting and Microsoft's principles page
    fix = finding["fix"]
    assert fix["title"] == "Exclude the Microsoft 365 sign-in endpoints from TLS inspection"
    assert fix["steps"][0].startswith("Zscaler: in ZIA, turn on the Microsoft-recommended")
    assert "(https://help.zscaler.com/zia/about-ssl-inspection-policy)" in fix["steps"][0]
    assert any(PRINCIPLES in step for step in fix["steps"])
    assert any("Tenant Restrictions v1 is in use" in step for step in fix["steps"])
    assert result.code == 1


def test_netskope_on_the_device_host_must_be_bypassed(cli: Any) -> None:
    ca = _inspector("Netskope Inc", "caadmin.netskope.com")
    with web_server("endpoint", _context(ca, DEVICE)) as endpoint:
        result = _diagnose(cli, endpoint.port, DEVICE)
    finding = result.finding("TLS002")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert "(Netskope)" in finding["message"]
    assert (
        f"Inspection of {DEVICE} must be bypassed: it breaks device authentication, device "
        "registration and OneDrive sign-in." in finding["message"]
    )
    assert "it can be intended" not in finding["message"]
    assert finding["evidence"]["must_bypass"] == [DEVICE]
    assert finding["evidence"]["reissued"][0]["kind"] == MUST_BYPASS
    assert finding["fix"]["steps"][0].startswith(
        "Netskope: keep the predefined 'Default Microsoft appsuite SSL do not decrypt rule'"
    )


def test_one_inspector_on_login_and_onedrive_hosts_says_both(cli: Any) -> None:
    ca = _inspector("Fortinet", "Fortinet_CA_SSL")
    hosts = (LOGIN, "onedrive.live.com")
    with web_server("endpoint", _context(ca, *hosts)) as endpoint:
        result = _diagnose(cli, endpoint.port, *hosts)
    finding = result.finding("TLS002")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert "(Fortinet (FortiGate))" in finding["message"]
    assert "Inspection of onedrive.live.com must be bypassed" in finding["message"]
    assert f"On {LOGIN} it can be intended" in finding["message"]
    assert finding["evidence"]["may_be_intended"] == [LOGIN]
    assert finding["evidence"]["must_bypass"] == ["onedrive.live.com"]
    assert "config ssl-exempt" in finding["fix"]["steps"][0]


def test_an_unknown_inspector_gets_the_generic_advice(cli: Any) -> None:
    ca = _inspector("Contoso Web Filter")
    with web_server("endpoint", _context(ca, DEVICE)) as endpoint:
        result = _diagnose(cli, endpoint.port, DEVICE)
    finding = result.finding("TLS002")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert finding["evidence"]["vendor"] is None
    assert finding["evidence"]["reissued"][0]["vendor"] is None
    assert finding["fix"]["steps"][0].startswith("Ask the team that runs the device issuing")
    assert any(PRINCIPLES in step for step in finding["fix"]["steps"])


@pytest.mark.parametrize(
    ("organization", "unit", "vendor"),
    [
        ("Zscaler Inc.", "Zscaler Intermediate Root CA (zscaler.net)", "Zscaler"),
        ("Netskope", "ca.contoso.goskope.com", "Netskope"),
        ("Palo Alto Networks", "Forward Trust", "Palo Alto Networks"),
        ("Fortinet", "FortiGate CA", "Fortinet (FortiGate)"),
        ("Cisco", "Cisco Umbrella Root CA", "Cisco Umbrella"),
        ("Blue Coat Systems", "ProxySG", "Blue Coat / Symantec (Broadcom)"),
        (
            "Symantec Corporation",
            "Symantec Web Security Service",
            "Blue Coat / Symantec (Broadcom)",
        ),
        ("Sophos", "Sophos SSL CA", "Sophos"),
        ("Check Point Software Technologies", "Outbound CA", "Check Point"),
        ("Forcepoint LLC", "Content Gateway", "Forcepoint"),
        ("mitmproxy", "mitmproxy", "mitmproxy"),
        ("DO_NOT_TRUST", "DO_NOT_TRUST_FiddlerRoot", "Fiddler"),
    ],
)
def test_the_vendor_is_named_from_a_real_chain_of_its_names(
    organization: str, unit: str, vendor: str
) -> None:
    from onedrive_doctor.parsers.certificate import certificate_summary, pem_to_der

    # Given a chain with an intermediate: the vendor's name is on its root, the leaf's
    # issuer is the intermediate (trustme names it "Testing CA #...")
    leaf = _inspector(organization, unit).create_child_ca().issue_cert(LOGIN)
    issuers = [
        certificate_summary(der)["issuer"]
        for pem in leaf.cert_chain_pems
        for der in pem_to_der(pem.bytes().decode())
    ]
    assert len(issuers) == 2
    # Then the vendor is found along the chain
    found = identify_vendor(issuers)
    assert found is not None
    assert found.name == vendor


def test_names_outside_cn_o_ou_do_not_name_a_vendor() -> None:
    # "Palo Alto" the city, in L=, is not Palo Alto Networks
    assert identify_vendor(["CN=Example Issuing CA,O=Example Corp,L=Palo Alto,C=US"]) is None
    assert dn_values(r"CN=A\, B,O=Zscaler Inc.,L=San Jose") == ["A, B", "Zscaler Inc."]


def test_every_vendor_with_a_link_points_to_https() -> None:
    for vendor in VENDORS:
        assert vendor.guidance and vendor.patterns, vendor.name
        assert vendor.link is None or vendor.link.startswith("https://"), vendor.name


def test_only_the_tenant_restrictions_sign_in_hosts_may_be_intercepted() -> None:
    for host in ("login.microsoftonline.com", "login.microsoft.com", "login.windows.net"):
        assert interception_kind(host) == MAY_BE_INTENDED
    for host in (
        DEVICE,
        "enterpriseregistration.windows.net",
        "onedrive.live.com",
        "contoso-my.sharepoint.com",
        "localhost",
    ):
        assert interception_kind(host) == MUST_BYPASS
