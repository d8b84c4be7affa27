"""analyze: bundles from folders and zips, missing evidence, and bad input."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

from onedrive_doctor.checks import REGISTRY
from regfiles import WINDOWS_MANIFEST, reg_bytes, write_bundle
from repo_paths import SPEC

CHECKS_SPEC = SPEC / "checks.md"  # the in-repo copy of the contract (tests/test_docs.py)


# Rows of docs/spec/checks.md marked "(planned)" whose check has landed: from then on they count
# like every other row (issue 13's rule), so a landed check cannot go missing unnoticed.
LANDED_PLANNED = {
    "SCH008",
    "NET008",
    "NET009",
    "IDN006",
    "IDN007",
    "CRT001",
    "EVT001",
    "EVT002",
}


def _catalogue_ids() -> set[str]:
    text = CHECKS_SPEC.read_text()
    ids = set(re.findall(r"^\| ([A-Z]{2,3}\d{3}) \|", text, re.M))
    planned = set(re.findall(r"^\| ([A-Z]{2,3}\d{3}) \(planned\) \|", text, re.M))
    assert len(ids) >= 31, "docs/spec/checks.md lost its catalogue table"
    assert planned >= LANDED_PLANNED, "a landed check is not in docs/spec/checks.md"
    return ids | LANDED_PLANNED


def test_every_catalogue_check_is_registered() -> None:
    assert set(REGISTRY) == _catalogue_ids()
    # SCH008 landed (issue 10); NET008, NET009, IDN006, IDN007, CRT001, EVT001, EVT002 (issue 13)
    assert len(REGISTRY) == 39


def test_empty_bundle_gives_unknown_or_not_applicable_for_every_check(
    cli: Any, tmp_path: Path
) -> None:
    result = cli("analyze", str(tmp_path), "--format", "json")
    assert result.code == 0
    report = json.loads(result.out)
    assert report["schema_version"] == 1
    assert report["tool"]["name"] == "onedrive-doctor"
    ids = [f["id"] for f in report["findings"]]
    assert sorted(ids) == sorted(_catalogue_ids())
    for finding in report["findings"]:
        assert finding["status"] in ("unknown", "not_applicable"), finding
        assert finding["severity"] is None
    net001 = next(f for f in report["findings"] if f["id"] == "NET001")
    assert net001["status"] == "unknown"
    assert "no network probes" in net001["message"]


def test_windows_checks_do_not_apply_to_a_bundle_from_linux(cli: Any, tmp_path: Path) -> None:
    manifest = WINDOWS_MANIFEST.replace('"Windows"', '"Linux"')
    write_bundle(tmp_path, {"manifest.json": manifest})
    report = cli("analyze", str(tmp_path), "--format", "json").json()
    status = {f["id"]: f["status"] for f in report["findings"]}
    assert status["SCH001"] == "not_applicable"
    assert status["NET007"] == "not_applicable"
    assert status["TLS003"] == "unknown"


def test_windows_bundle_without_evidence_says_no_windows_evidence(cli: Any, tmp_path: Path) -> None:
    write_bundle(tmp_path, {"manifest.json": WINDOWS_MANIFEST})
    finding = cli("analyze", str(tmp_path), "--format", "json").finding("SCH001")
    assert finding["status"] == "unknown"
    assert "no Windows evidence in this bundle" in finding["message"]


def test_json_report_round_trips(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = cli("analyze", str(tmp_path), "--format", "json", "-o", str(out))
    assert result.out == ""
    report = json.loads(out.read_text())
    assert json.loads(json.dumps(report)) == report
    assert set(report) >= {"schema_version", "tool", "findings", "summary", "steps"}
    assert [s["step"] for s in report["steps"]] == [
        "connectivity",
        "tls",
        "internet-options",
        "device-join",
        "winhttp",
        "reset-onedrive",
    ]
    for finding in report["findings"]:
        assert set(finding) >= {"id", "name", "status", "severity", "message", "evidence", "fix"}


def test_zip_bundle_with_a_top_folder_is_read(cli: Any, tmp_path: Path) -> None:
    probes = {
        "schema_version": 1,
        "config": {},
        "attempts": [
            {
                "probe": "ncsi",
                "target": "http://x/",
                "status": "ok",
                "result": {"http_status": 200, "matched": True},
            },
        ],
    }
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("PC42/manifest.json", WINDOWS_MANIFEST)
        zf.writestr("PC42/probes.json", json.dumps(probes))
    result = cli("analyze", str(archive), "--format", "json")
    assert result.finding("NET001")["status"] == "pass"
    assert result.finding("NET002")["status"] == "pass"


def test_truncated_zip_is_one_clear_line_and_exit_3(cli: Any, tmp_path: Path) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("manifest.json", WINDOWS_MANIFEST * 50)
    archive.write_bytes(archive.read_bytes()[:-30])
    result = cli("analyze", str(archive))
    assert result.code == 3
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err
    assert str(archive) in result.err


def test_missing_bundle_is_exit_3(cli: Any, tmp_path: Path) -> None:
    result = cli("analyze", str(tmp_path / "nope"))
    assert result.code == 3
    assert "no such file or directory" in result.err
    assert "Traceback" not in result.err


def test_a_file_that_is_not_a_bundle_is_exit_3(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    result = cli("analyze", str(path))
    assert result.code == 3
    assert "not a bundle" in result.err


def test_binary_dsregcmd_gives_unknown_with_the_reason(cli: Any, tmp_path: Path) -> None:
    write_bundle(
        tmp_path, {"manifest.json": WINDOWS_MANIFEST, "dsregcmd.txt": bytes(range(256)) * 8}
    )
    result = cli("analyze", str(tmp_path), "--format", "json")
    assert result.code == 0
    finding = result.finding("IDN001")
    assert finding["status"] == "unknown"
    assert "dsregcmd.txt: not a text file (binary data)" in finding["message"]


def test_malformed_reg_file_gives_unknown_with_file_and_line(cli: Any, tmp_path: Path) -> None:
    good = reg_bytes(
        "[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\"
        'Internet Settings]\n"ProxyEnable"=dword:00000000'
    )
    bad = reg_bytes('[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\n"A"=dword:1\n"B"=hex:zz')
    write_bundle(
        tmp_path,
        {"manifest.json": WINDOWS_MANIFEST, "registry/inet.reg": good, "registry/broken.reg": bad},
    )
    result = cli("analyze", str(tmp_path), "--format", "json")
    finding = result.finding("SCH001")
    assert finding["status"] == "unknown"
    assert "registry/broken.reg:4" in finding["message"]
    assert result.json()["bundle"]["problems"]["registry/broken.reg"].startswith(
        "registry/broken.reg:4:"
    )


def test_truncated_utf16_reg_file_is_unknown_not_a_crash(cli: Any, tmp_path: Path) -> None:
    data = reg_bytes('[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\n"A"=dword:00000001')[:-1]
    write_bundle(tmp_path, {"manifest.json": WINDOWS_MANIFEST, "registry/x.reg": data})
    result = cli("analyze", str(tmp_path), "--format", "json")
    assert result.code == 0
    assert "registry/x.reg" in result.finding("NET007")["message"]


def test_garbled_probes_json_gives_unknown(cli: Any, tmp_path: Path) -> None:
    write_bundle(tmp_path, {"probes.json": "{not json"})
    result = cli("analyze", str(tmp_path), "--format", "json")
    finding = result.finding("NET001")
    assert finding["status"] == "unknown"
    assert "probes.json: not valid JSON" in finding["message"]


def test_probes_json_with_a_wrong_shape_gives_unknown(cli: Any, tmp_path: Path) -> None:
    write_bundle(tmp_path, {"probes.json": json.dumps({"attempts": [{"probe": 3}]})})
    finding = cli("analyze", str(tmp_path), "--format", "json").finding("NET003")
    assert finding["status"] == "unknown"
    assert "probes.json" in finding["message"]


def test_text_report_names_the_failing_check_and_its_fix(cli: Any, tmp_path: Path) -> None:
    probes = {
        "config": {},
        "attempts": [
            {
                "probe": "ncsi",
                "target": "http://www.msftconnecttest.com/connecttest.txt",
                "status": "failed",
                "error": "DNS NXDOMAIN from the system resolver",
            },
            {
                "probe": "dns",
                "target": "login.microsoftonline.com",
                "status": "failed",
                "error": "DNS NXDOMAIN",
                "result": {"rcode": "NXDOMAIN", "resolver": "the system"},
            },
        ],
    }
    write_bundle(tmp_path, {"probes.json": json.dumps(probes)})
    result = cli("analyze", str(tmp_path))
    assert result.code == 1
    assert "✘ 1. Internet connection: problem found" in result.out
    assert "NET001 internet-unreachable" in result.out
    assert "Fix: Connect this PC to a working network" in result.out
    assert "\x1b[" not in result.out  # no colours when not a terminal
