"""The JSON outputs are a contract: schema/*.schema.json describes them, and they match."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from regfiles import WINDOWS_MANIFEST, write_bundle
from servers.tls_profiles import tls_server

SCHEMAS = Path(__file__).resolve().parents[1] / "schema"


def _validate(document: Any, name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema)


@pytest.mark.parametrize("kind", ["empty", "offline", "windows"])
def test_report_json_matches_its_schema(cli: Any, tmp_path: Path, kind: str) -> None:
    files: dict[str, bytes | str] = {}
    if kind != "empty":
        files["probes.json"] = json.dumps(
            {
                "attempts": [
                    {
                        "probe": "ncsi",
                        "target": "http://x/",
                        "status": "failed",
                        "error": "refused",
                    },
                    {
                        "probe": "dns",
                        "target": "login.microsoftonline.com",
                        "status": "failed",
                        "error": "NXDOMAIN",
                        "result": {"rcode": "NXDOMAIN", "resolver": "r"},
                    },
                ]
            }
        )
    if kind == "windows":
        files["manifest.json"] = WINDOWS_MANIFEST
    write_bundle(tmp_path, files)
    _validate(cli("analyze", str(tmp_path), "--format", "json").json(), "report")


def test_scan_json_matches_its_schema(cli: Any) -> None:
    with tls_server("afd-2023") as server:
        _validate(cli("scan", f"127.0.0.1:{server.port}", "--format", "json").json(), "scan")


@pytest.mark.parametrize("release", ["7 SP1", "8.1", "10 22H2", "11 24H2", "Server 2022"])
def test_simulate_json_matches_its_schema(cli: Any, release: str) -> None:
    _validate(cli("simulate", "--windows", release, "--format", "json").json(), "simulate")
