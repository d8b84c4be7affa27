"""Wrongly typed fields in manifest.json, onedrive.json and replay.json (issue 11.11).

Every field, and every object and list holding fields, is replaced in turn by a value of the
wrong type: the analysis and all three reports must still be made, no check may end in
"internal error in this check", and the report stays strict JSON.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.analysis import analyze_bundle
from onedrive_doctor.report import render_html, render_json, render_text
from winbundles import bundle, current_version, default_registry

MANIFEST: dict[str, Any] = {
    "schema_version": 1,
    "tool": {"name": "onedrive-doctor", "version": "0.1.0"},
    "created": "2026-11-20T10:00:00+00:00",
    "host": {"os": "Windows", "release": "10", "version": "10.0.19045", "machine": "AMD64"},
    "files": ["registry/currentversion.reg"],
    "redacted": False,
    "network_probes": True,
    "collection": [
        {
            "file": "nltest.txt",
            "command": "nltest /dsgetdc:",
            "status": "not_available",
            "exit_code": 9009,
            "error": "not recognized",
            "elapsed_s": 0.1,
        }
    ],
}
ONEDRIVE: dict[str, Any] = {
    "schema_version": 1,
    "platform": "windows",
    "standalone": None,
    "installs": [
        {
            "path": "C:\\Users\\a\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe",
            "version": "24.1",
            "scope": "per-user",
        }
    ],
}
REPLAY: dict[str, Any] = {
    "schema_version": 1,
    "attempts": [
        {
            "probe": "replay",
            "target": "login.microsoftonline.com:443",
            "status": "ok",
            "error": None,
            "elapsed_s": 0.2,
            "result": {
                "accepted": True,
                "protocol": "TLSv1.2",
                "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "alert": None,
                "closed": None,
            },
        }
    ],
}
FILES = {"manifest.json": MANIFEST, "onedrive.json": ONEDRIVE, "replay.json": REPLAY}
WRONG: tuple[Any, ...] = (7, "x", [], None)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _replaced(doc: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    doc = copy.deepcopy(doc)
    holder = doc
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = new
    return doc


def _refuse(name: str) -> Any:
    raise AssertionError(f"{name} in the JSON report")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FILES))
def test_every_wrongly_typed_field_is_unreadable_evidence_not_a_crash(
    tmp_path: Path, name: str
) -> None:
    root = bundle(tmp_path / "b", default_registry(current_version("Windows 10 Pro", 19045)))
    for other, doc in FILES.items():
        (root / other).write_text(json.dumps(doc))
    bad: list[str] = []
    cases = 0
    for path in list(_paths(FILES[name])):
        for wrong in WRONG:
            (root / name).write_text(json.dumps(_replaced(FILES[name], path, wrong)))
            cases += 1
            report = analyze_bundle(root)
            render_text(report)
            render_html(report)
            json.loads(render_json(report), parse_constant=_refuse)
            bad.extend(
                f"{path}={wrong!r}: {f.id} {f.message}"
                for f in report.findings
                if "internal error" in f.message
            )
    assert cases >= 30
    assert bad == []
