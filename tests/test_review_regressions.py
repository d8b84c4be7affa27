"""Regressions from the code review: hostile inputs and missing evidence never crash or pass."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from regfiles import WINDOWS_MANIFEST, write_bundle
from servers.tls_profiles import hostile_server


def test_an_impossible_number_in_probes_json_is_unknown(cli: Any, tmp_path: Path) -> None:
    write_bundle(tmp_path, {"probes.json": '{"attempts": [], "elapsed_s": 1' + "0" * 400 + "}"})
    result = cli("analyze", str(tmp_path), "--format", "json")
    assert result.code == 0
    assert result.finding("NET001")["status"] == "unknown"


def test_a_lone_surrogate_in_utf16_text_is_no_crash(cli: Any, tmp_path: Path) -> None:
    write_bundle(
        tmp_path, {"manifest.json": WINDOWS_MANIFEST, "dsregcmd.txt": b"\xff\xfe\x00\xd8A\x00"}
    )
    result = cli("analyze", str(tmp_path), "--format", "json")
    assert result.code == 0
    assert result.finding("IDN001")["status"] == "unknown"


def test_an_encrypted_zip_is_exit_3(cli: Any, tmp_path: Path) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("manifest.json", WINDOWS_MANIFEST)
    data = bytearray(archive.read_bytes())
    # Set the "encrypted" flag bit in the local header and the central directory entry.
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    data[local + 6] |= 0x01
    data[central + 8] |= 0x01
    archive.write_bytes(bytes(data))
    result = cli("analyze", str(archive))
    assert result.code == 3
    assert "Traceback" not in result.err


def test_a_socks_proxy_in_the_environment_is_ignored(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    result = cli(
        "collect",
        "-o",
        str(tmp_path),
        "--timeout",
        "1",
        "--budget",
        "2",
        "--probe-url",
        f"http://127.0.0.1:{closed_port}/",
        "--endpoint",
        f"127.0.0.1:{closed_port}",
    )
    assert result.code == 0, result.err


def test_scan_through_a_proxy_that_hangs_up_is_exit_3(cli: Any) -> None:
    with hostile_server("close") as proxy:
        result = cli(
            "scan",
            "example.invalid:443",
            "--proxy",
            f"http://127.0.0.1:{proxy.port}",
            "--timeout",
            "1",
        )
    assert result.code == 3
    assert "Traceback" not in result.err


def test_dns_probes_that_never_completed_are_unknown_not_pass(cli: Any, tmp_path: Path) -> None:
    probes = {
        "attempts": [
            {
                "probe": "dns",
                "target": "login.microsoftonline.com",
                "status": "error",
                "error": "internal",
            }
        ]
    }
    write_bundle(tmp_path, {"probes.json": json.dumps(probes)})
    report = cli("analyze", str(tmp_path), "--format", "json")
    assert report.finding("NET003")["status"] == "unknown"
    assert report.finding("NET001")["status"] == "unknown"


def test_symlinks_in_a_bundle_folder_are_not_followed(cli: Any, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not bundle content")
    bundle = tmp_path / "bundle"
    write_bundle(bundle, {"manifest.json": WINDOWS_MANIFEST})
    (bundle / "dsregcmd.txt").symlink_to(secret)
    finding = cli("analyze", str(bundle), "--format", "json").finding("IDN001")
    assert "no Windows evidence" in finding["message"] or "needs dsregcmd.txt" in finding["message"]


def test_collect_removes_an_earlier_runs_files(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "replay.json").write_text('{"attempts": []}')
    (tmp_path / "notes.txt").write_text("mine")
    # Not a bundle of ours (no manifest): since issue 11 point 3 this needs --force
    assert cli("collect", "-o", str(tmp_path), "--no-network", "--force").code == 0
    assert not (tmp_path / "replay.json").exists()
    assert (tmp_path / "notes.txt").read_text() == "mine"
