"""simulate and TLS001: the PC's own ClientHello, judged and replayed to a real local server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from regfiles import WINDOWS_MANIFEST, reg_bytes, write_bundle
from servers.tls_profiles import tls_server

HOST = "login.microsoftonline.com"
CURRENT = r"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion]"


def _live(port: int) -> list[str]:
    return [
        "--endpoint",
        f"{HOST}:{port}",
        "--resolve",
        f"{HOST}:{port}:127.0.0.1",
        "--timeout",
        "3",
    ]


def test_windows7_default_hello_is_rejected_by_a_tlsv12_2023_server(cli: Any) -> None:
    with tls_server("afd-2023") as server:
        doc = cli("simulate", "--windows", "7 SP1", "--format", "json", *_live(server.port)).json()
    assert doc["client"]["windows"] == "7 SP1"
    assert doc["client"]["protocols"] == ["SSLv3", "TLSv1.0"]
    live = doc["verdicts"][f"live:{HOST}:{server.port}"]
    assert live["accepted"] is False
    assert "alert" in live["reason"] or "no ServerHello" in live["reason"]
    assert doc["verdicts"]["TLSv1.2_2023"]["accepted"] is False


def test_windows10_22h2_default_hello_is_accepted_with_ecdhe_rsa_gcm(cli: Any) -> None:
    with tls_server("afd-2023") as server:
        doc = cli(
            "simulate", "--windows", "10 22H2", "--format", "json", *_live(server.port)
        ).json()
    live = doc["verdicts"][f"live:{HOST}:{server.port}"]
    assert live == {
        "accepted": True,
        "protocol": "TLSv1.2",
        "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    }
    assert doc["verdicts"]["TLSv1.2_2023"] == live
    codes = [s["code"] for s in doc["client"]["cipher_suites"]]
    assert codes[:2] == ["0xC02C", "0xC02B"]  # Schannel's own order: ECDSA GCM first


def test_windows11_hello_negotiates_tls13(cli: Any) -> None:
    with tls_server("afd-2023") as server:
        doc = cli(
            "simulate", "--windows", "11 24H2", "--format", "json", *_live(server.port)
        ).json()
    live = doc["verdicts"][f"live:{HOST}:{server.port}"]
    assert live["accepted"] is True and live["protocol"] == "TLSv1.3"


def test_simulate_verdicts_cover_every_afd_generation(cli: Any) -> None:
    doc = cli("simulate", "--windows", "8.1", "--format", "json").json()
    assert set(doc["verdicts"]) == {"afd-legacy-4", "TLSv1.2_2019", "TLSv1.2_2022", "TLSv1.2_2023"}
    assert doc["verdicts"]["afd-legacy-4"]["cipher_suite"] == "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"
    assert doc["verdicts"]["TLSv1.2_2023"]["accepted"] is False


def test_simulate_text_is_a_table(cli: Any) -> None:
    result = cli("simulate", "--windows", "10 22H2")
    assert result.code == 0
    assert "TLSv1.2_2023  accepted  TLSv1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" in result.out


def test_simulate_unknown_release_is_a_usage_error(cli: Any) -> None:
    result = cli("simulate", "--windows", "Vista")
    assert result.code == 2
    assert "11 24H2" in result.err


def test_simulate_bundle_without_windows_version_is_exit_3(cli: Any, tmp_path: Path) -> None:
    result = cli("simulate", "--bundle", str(tmp_path))
    assert result.code == 3
    assert "does not say which Windows" in result.err


def _bundle(root: Path, build: str, product: str) -> Path:
    reg = reg_bytes(
        f'{CURRENT}\n"ProductName"="{product}"\n"CurrentBuild"="{build}"\n'
        f'"CurrentBuildNumber"="{build}"'
    )
    return write_bundle(root, {"manifest.json": WINDOWS_MANIFEST, "registry/cv.reg": reg})


def test_tls001_fails_for_windows7_replayed_live(cli: Any, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, "7601", "Windows 7 Professional")
    with tls_server("afd-2023") as server:
        result = cli("analyze", str(bundle), "--live", "--format", "json", *_live(server.port))
    finding = result.finding("TLS001")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert f"{HOST}:{server.port} rejects the ClientHello" in finding["message"]
    assert "replayed live" in finding["message"]


def test_tls001_passes_for_windows10_replayed_live(cli: Any, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, "19045", "Windows 10 Pro")
    with tls_server("afd-2023") as server:
        result = cli("analyze", str(bundle), "--live", "--format", "json", *_live(server.port))
    finding = result.finding("TLS001")
    assert (finding["status"], finding["severity"]) == ("pass", None)
    assert "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" in finding["message"]


def test_tls001_is_unknown_without_replay_or_scan(cli: Any, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, "19045", "Windows 10 Pro")
    finding = cli("analyze", str(bundle), "--format", "json").finding("TLS001")
    assert (finding["status"], finding["severity"]) == ("unknown", None)
    assert "analyze --live" in finding["message"]


def test_tls001_is_unknown_without_windows_evidence(cli: Any, tmp_path: Path) -> None:
    write_bundle(tmp_path, {"manifest.json": WINDOWS_MANIFEST})
    finding = cli("analyze", str(tmp_path), "--format", "json").finding("TLS001")
    assert (finding["status"], finding["severity"]) == ("unknown", None)
    assert "no Windows evidence" in finding["message"]


def test_tls001_replay_takes_the_route_the_probes_took(
    cli: Any, tmp_path: Path, proxy_port: int
) -> None:
    from onedrive_doctor.analysis import replay_for
    from onedrive_doctor.bundle import open_bundle
    from onedrive_doctor.evidence import build_evidence
    from onedrive_doctor.knowledge.endpoints import Endpoint
    from onedrive_doctor.probes.connectivity import NetworkOptions

    # Given a Windows 10 bundle whose probes reached the endpoint through a proxy
    with tls_server("afd-2023") as server:
        via = f"http://127.0.0.1:{proxy_port}"
        probes = {
            "attempts": [
                {"probe": "tcp", "target": f"localhost:{server.port}", "status": "ok", "via": via}
            ]
        }
        bundle = _bundle(tmp_path, "19045", "Windows 10 Pro")
        (bundle / "probes.json").write_text(json.dumps(probes))
        # When the PC's ClientHello is replayed from here
        opts = NetworkOptions(timeout=3, budget=6, endpoints=(Endpoint("localhost", server.port),))
        replays = replay_for(build_evidence(open_bundle(bundle)), opts, follow_routes=True)
    # Then it went the same way, through that proxy, and the endpoint accepted it
    assert replays is not None
    (attempt,) = replays["attempts"]
    assert attempt["via"] == via
    assert attempt["result"]["accepted"] is True
