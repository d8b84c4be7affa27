"""`explain CODE` and `diagnose/analyze --error CODE`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from regfiles import write_bundle


def test_explain_prints_the_meaning_and_the_source(cli: Any) -> None:
    result = cli("explain", "0x8004DE40")
    assert result.code == 0
    assert result.out.startswith("0x8004de40")
    assert "learn.microsoft.com" in result.out


def test_explain_accepts_the_signed_decimal_form(cli: Any) -> None:
    assert cli("explain", "-2147164608").out.startswith("0x8004de40")


def test_explain_unknown_code_is_a_usage_error(cli: Any) -> None:
    result = cli("explain", "0x12345678")
    assert result.code == 2
    assert "unknown OneDrive error code" in result.err
    assert "0x8004de40" in result.err


def _offline_bundle(root: Path) -> Path:
    probes = {
        "config": {},
        "attempts": [
            {"probe": "ncsi", "target": "http://x/", "status": "failed", "error": "refused"},
            {
                "probe": "dns",
                "target": "login.microsoftonline.com",
                "status": "failed",
                "error": "NXDOMAIN",
                "result": {"rcode": "NXDOMAIN", "resolver": "x"},
            },
        ],
    }
    return write_bundle(root, {"probes.json": json.dumps(probes)})


def test_error_focus_keeps_the_checks_that_matter(cli: Any, tmp_path: Path) -> None:
    _offline_bundle(tmp_path)
    report = cli("analyze", str(tmp_path), "--format", "json", "--error", "0x8004de40").json()
    ids = {f["id"] for f in report["findings"]}
    assert "NET001" in ids and "SCH001" in ids and "IDN001" in ids
    assert report["error_code"] == "0x8004de40"


def test_error_focus_on_a_tenant_side_code_shows_no_local_check(cli: Any, tmp_path: Path) -> None:
    _offline_bundle(tmp_path)
    result = cli("analyze", str(tmp_path), "--format", "json", "--error", "0x8004e4d0")
    report = result.json()
    assert report["findings"] == []
    assert "nothing on this PC causes this error" in report["note"]
    assert result.code == 0  # the offline NET001 failure is not what this code is about


def test_error_focus_with_an_unknown_code_is_a_usage_error(cli: Any, tmp_path: Path) -> None:
    result = cli("analyze", str(tmp_path), "--error", "nonsense")
    assert result.code == 2
