"""Typed probe results: real probe outputs read back and write out unchanged; bad field types
in a bundle's probes.json are one clear problem, never a crash in a check."""

from __future__ import annotations

import json
import ssl
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.probes.results import ScanResult, parse_result
from regfiles import WINDOWS_MANIFEST, write_bundle
from servers.tls_profiles import tls_server
from servers.web import web_server
from winbundles import WIN10_22H2, bundle, default_registry, probes, tls_scan

HOST = "login.microsoftonline.com"


def test_every_attempt_of_a_real_diagnose_reads_back_and_writes_out_unchanged(
    cli: Any, tmp_path: Path, ca_file: str, server_context: ssl.SSLContext
) -> None:
    with web_server("ncsi") as probe, web_server("endpoint", server_context) as endpoint:
        cli(
            "diagnose",
            "--format",
            "json",
            "--timeout",
            "2",
            "--budget",
            "8",
            "--save-bundle",
            str(tmp_path),
            "--probe-url",
            f"http://127.0.0.1:{probe.port}/connecttest.txt",
            "--endpoint",
            f"{HOST}:{endpoint.port}",
            "--resolve",
            f"{HOST}:{endpoint.port}:127.0.0.1",
            "--ca-file",
            ca_file,
        )
    attempts = json.loads((tmp_path / "probes.json").read_text())["attempts"]
    kinds = [a["probe"] for a in attempts]
    # one ip_family attempt per family (NET008), IPv4 first
    assert kinds == ["ncsi", "dns", "tcp", "ip_family", "ip_family", "https", "tls_scan"]
    for attempt in attempts:
        typed = parse_result(attempt["probe"], attempt["result"])
        assert typed.to_json() == attempt["result"], attempt["probe"]
        # same keys in the same order: a bundle re-written from typed results reads the same
        assert list(typed.to_json()) == list(attempt["result"]), attempt["probe"]


def test_scan_output_reads_back_unchanged(cli: Any) -> None:
    with tls_server("afd-2023") as server:
        report = cli("scan", f"127.0.0.1:{server.port}", "--format", "json").json()
    scan = ScanResult.from_json(report)
    assert scan.to_json() == report
    assert scan.protocol("TLSv1.2").suite_names == (
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    )
    assert scan.accepted_protocols == ["TLSv1.2", "TLSv1.3"]
    assert scan.afd_policy == "TLSv1.2_2023"


def test_failure_shapes_write_out_unchanged() -> None:
    # What the recorder writes on a DNS failure, a refused CONNECT, a 407 (any probe kind)
    shapes = [
        ("ncsi", {"rcode": "NXDOMAIN", "resolver": "the system resolver"}),
        ("dns", {"rcode": "TIMEOUT", "resolver": "DNS server 127.0.0.1:53"}),
        ("tcp", {"proxy_status": 403}),
        ("proxy", {"proxy_status": 407, "auth_required": True, "proxy_authenticate": None}),
        ("https", {"stage": "tls"}),
        ("replay", {"address": "127.0.0.1", "accepted": False, "alert": "handshake_failure"}),
        ("replay", {"address": None, "accepted": False, "closed": "no answer"}),
        ("pac", {"bytes": 120}),
        ("internal", {}),
    ]
    for probe, result in shapes:
        assert parse_result(probe, result).to_json() == result, (probe, result)


def _ncsi_ok(**result: Any) -> dict[str, Any]:
    return {
        "probe": "ncsi",
        "target": "http://x/",
        "status": "ok",
        "result": {"http_status": 200, "matched": True, **result},
    }


@pytest.mark.parametrize(
    ("attempts", "problem"),
    [
        (
            [_ncsi_ok(), _ncsi_ok(http_status="200")],
            "probes.json: attempts[1].result.http_status is not an integer",
        ),
        (
            [_ncsi_ok(), _ncsi_ok(), _ncsi_ok(), {**_ncsi_ok(), "status": 1}],
            "probes.json: attempts[3].status is not a string",
        ),
        (
            [{**_ncsi_ok(), "status": "fine"}],
            "probes.json: attempts[0].status is 'fine', not one of ok, failed, timeout, error, "
            "skipped",
        ),
        (
            [{**tls_scan(), "result": {**tls_scan()["result"], "protocols": {"TLSv1.2": []}}}],
            "probes.json: attempts[0].result.protocols.TLSv1.2 is not an object",
        ),
        (
            [{"probe": "dns", "target": HOST, "status": "ok", "result": {"addresses": [1]}}],
            "probes.json: attempts[0].result.addresses[0] is not a string",
        ),
        (
            [{**_ncsi_ok(), "elapsed_s": "fast"}],
            "probes.json: attempts[0].elapsed_s is not a number",
        ),
    ],
)
def test_bad_field_types_are_one_clear_problem_not_a_crash(
    cli: Any, tmp_path: Path, attempts: list[dict[str, Any]], problem: str
) -> None:
    write_bundle(tmp_path, {"manifest.json": WINDOWS_MANIFEST, "probes.json": probes(*attempts)})
    result = cli("analyze", str(tmp_path), "--format", "json")
    report = result.json()
    assert report["bundle"]["problems"] == {"probes.json": problem}
    for check in ("NET001", "NET004", "TLS002", "TLS003"):
        finding = result.finding(check)
        assert (finding["status"], finding["severity"]) == ("unknown", None), check
        assert finding["message"] == f"unreadable evidence: {problem}", check
    assert "internal error" not in result.out
    assert result.err == ""
    assert result.code == 0


def test_an_old_probes_json_still_reads(cli: Any, tmp_path: Path) -> None:
    # Given a probes.json as early versions wrote it: no error/via/elapsed keys, no https
    # stage, a timed-out https attempt without a result
    old = probes(
        _ncsi_ok(body_excerpt="Microsoft Connect Test", location=None),
        {
            "probe": "dns",
            "target": HOST,
            "status": "ok",
            "result": {"addresses": ["20.190.151.68"]},
        },
        {"probe": "tcp", "target": f"{HOST}:443", "status": "ok", "result": {"peer": "x"}},
        {"probe": "https", "target": f"{HOST}:443", "status": "ok", "result": {"skew_s": 3}},
        tls_scan(policy="TLSv1.2_2023"),
    )
    root = bundle(tmp_path, default_registry(WIN10_22H2), probes_json=old)
    result = cli("analyze", str(root), "--format", "json")
    assert result.json()["bundle"]["problems"] == {}
    ids = {f["id"]: (f["status"], f["severity"]) for f in result.json()["findings"]}
    assert ids["NET001"] == ("pass", None)
    assert ids["NET003"] == ("pass", None)
    assert ids["NET004"] == ("pass", None)
    assert ids["NET006"] == ("pass", None)
    assert ids["TLS003"] == ("pass", None)
    assert ids["TLS004"] == ("fail", "info")
    assert result.finding("TLS004")["evidence"]["policies"] == ["TLSv1.2_2023"]
