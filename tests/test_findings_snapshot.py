"""The findings of every fixture bundle, pinned (ID, status, severity).

A refactor of the house (issue 8) then shows at once if it changed any verdict. A deliberate
change of behaviour updates the snapshot (``ONEDRIVE_DOCTOR_UPDATE_SNAPSHOT=1 python -m pytest
tests/test_findings_snapshot.py``), and the diff of ``tests/fixtures/findings_snapshot.json``
shows exactly what changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.analysis import analyze_bundle
from regfiles import write_bundle
from winbundles import (
    EMPTY_SCHANNEL,
    SCENARIOS,
    WIN7,
    WIN7_HOTFIXES,
    WIN8,
    WIN10_22H2,
    WIN10_HOTFIXES,
    WIN11_24H2,
    WIN81,
    bundle,
    default_registry,
    internet_settings,
    protocol,
    schannel,
    ssl_policy,
)

SNAPSHOT = Path(__file__).resolve().parent / "fixtures" / "findings_snapshot.json"
DSREGCMD = Path(__file__).resolve().parent / "fixtures" / "dsregcmd"

WINDOWS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    **SCENARIOS,
    "win7-article-gcm-policy": (
        {
            "currentversion": WIN7,
            "schannel": schannel(protocol("TLS 1.2", Enabled=1, DisabledByDefault=0)),
            "ssl-policy": ssl_policy(
                ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
            ),
            "inet": internet_settings(),
        },
        {"hotfixes_txt": WIN7_HOTFIXES},
    ),
    "win8-defaults": ({"currentversion": WIN8, "schannel": EMPTY_SCHANNEL}, {}),
    "win81-defaults": (default_registry(WIN81), {}),
    "win10-healthy": (default_registry(WIN10_22H2), {"hotfixes_txt": WIN10_HOTFIXES}),
    "win11-healthy": (default_registry(WIN11_24H2), {}),
}


def _verdicts(root: Path) -> dict[str, list[str | None]]:
    report = analyze_bundle(root)
    return {
        f.id: [f.status.value, f.severity.value if f.severity else None] for f in report.findings
    }


def _current(tmp_path: Path) -> dict[str, dict[str, list[str | None]]]:
    found: dict[str, dict[str, list[str | None]]] = {}
    for name, (registry, files) in WINDOWS.items():
        found[name] = _verdicts(bundle(tmp_path / name, registry, **files))
    found["empty"] = _verdicts(write_bundle(tmp_path / "empty", {}))
    for sample in sorted(DSREGCMD.glob("*.txt")):
        root = bundle(
            tmp_path / sample.stem,
            default_registry(WIN10_22H2),
            dsregcmd_txt=sample.read_bytes(),
            hotfixes_txt=WIN10_HOTFIXES,
        )
        found[f"dsregcmd/{sample.stem}"] = _verdicts(root)
    return found


def test_every_fixture_bundle_keeps_its_findings(tmp_path: Path) -> None:
    current = _current(tmp_path)
    if os.environ.get("ONEDRIVE_DOCTOR_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
        pytest.skip("snapshot written")
    assert SNAPSHOT.is_file(), "tests/fixtures/findings_snapshot.json is missing"
    pinned = json.loads(SNAPSHOT.read_text())
    assert sorted(current) == sorted(pinned)
    changed = {
        name: {
            check: (pinned[name].get(check), verdict)
            for check, verdict in current[name].items()
            if pinned[name].get(check) != verdict
        }
        for name in current
    }
    assert {name: diff for name, diff in changed.items() if diff} == {}
    assert all(sorted(current[name]) == sorted(pinned[name]) for name in current)
