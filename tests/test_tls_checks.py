"""TLS002-TLS004 in diagnose, against real local TLS servers."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import trustme

from onedrive_doctor.knowledge.microsoft_pki import common_name, is_microsoft_issuer
from servers.tls_profiles import tls_server
from servers.web import web_server

HOST = "login.microsoftonline.com"


def _diagnose(cli: Any, port: int, *extra: str, probe_port: int | None = None) -> Any:
    args = [
        "diagnose",
        "--format",
        "json",
        "--timeout",
        "2",
        "--budget",
        "8",
        "--endpoint",
        f"{HOST}:{port}",
        "--resolve",
        f"{HOST}:{port}:127.0.0.1",
        *extra,
    ]
    if probe_port:
        args += ["--probe-url", f"http://127.0.0.1:{probe_port}/"]
    return cli(*args)


def _status(result: Any, check_id: str) -> tuple[str, str | None]:
    finding = result.finding(check_id)
    return finding["status"], finding["severity"]


def test_trusted_issuer_passes_tls002_and_tls003(
    cli: Any, ca_file: str, server_context: ssl.SSLContext
) -> None:
    with web_server("endpoint", server_context) as endpoint:
        result = _diagnose(cli, endpoint.port, "--ca-file", ca_file)
    assert _status(result, "TLS002") == ("pass", None)
    assert _status(result, "TLS003") == ("pass", None)
    tls004 = result.finding("TLS004")
    assert (tls004["status"], tls004["severity"]) == ("fail", "info")
    assert tls004["evidence"]["endpoints"][0]["protocols"] == ["TLSv1.2", "TLSv1.3"]


def test_an_unknown_issuer_is_reported_as_interception(cli: Any, tmp_path: Path) -> None:
    # Given an "inspection proxy" CA that re-signs login.microsoftonline.com
    inspector = trustme.CA(organization_name="Contoso Web Filter")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    inspector.issue_cert(HOST).configure_cert(context)
    with web_server("endpoint", context) as endpoint:
        result = _diagnose(cli, endpoint.port)
    finding = result.finding("TLS002")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert "re-signed by" in finding["message"]
    assert "Contoso Web Filter" in finding["evidence"]["issuer"]
    assert (
        "device.login.microsoftonline.com and enterpriseregistration.windows.net"
        in (finding["message"])
    )
    assert (
        finding["fix"]["title"] == "Exclude the Microsoft 365 sign-in endpoints from TLS inspection"
    )
    assert result.code == 1


def test_a_tls10_only_peer_fails_tls003(cli: Any) -> None:
    with tls_server("tls10-only") as server:
        result = _diagnose(cli, server.port, "--ca-file", str(server.ca_file))
    finding = result.finding("TLS003")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert "accepts TLSv1.0, but neither TLS 1.2 nor TLS 1.3" in finding["message"]


def test_an_afd_2023_endpoint_names_its_policy_in_tls004(cli: Any) -> None:
    with tls_server("afd-2023") as server:
        result = _diagnose(cli, server.port, "--ca-file", str(server.ca_file))
    finding = result.finding("TLS004")
    assert (finding["status"], finding["severity"]) == ("fail", "info")
    assert "matching AFD policy: TLSv1.2_2023" in finding["message"]
    assert _status(result, "TLS003") == ("pass", None)
    assert _status(result, "TLS002") == ("pass", None)


def test_tls_checks_are_unknown_without_a_scan(cli: Any, tmp_path: Path) -> None:
    result = cli("analyze", str(tmp_path), "--format", "json")
    for check_id in ("TLS002", "TLS003", "TLS004"):
        assert _status(result, check_id) == ("unknown", None), check_id


def test_microsoft_issuers_are_recognised() -> None:
    assert is_microsoft_issuer(
        "CN=Microsoft Azure RSA TLS Issuing CA 04,O=Microsoft Corporation,C=US"
    )
    assert is_microsoft_issuer("CN=DigiCert Global Root G2,OU=www.digicert.com,O=DigiCert Inc,C=US")
    assert is_microsoft_issuer("CN=Microsoft TLS G2 RSA CA OCSP 10,O=Microsoft Corporation,C=US")
    assert not is_microsoft_issuer("CN=Zscaler Intermediate Root CA (zscaler.net),O=Zscaler Inc.")
    assert not is_microsoft_issuer("O=No Common Name")
    assert common_name(r"CN=A\, B,O=X") == "A, B"
