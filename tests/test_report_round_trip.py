"""A JSON report read back with Report.from_json renders to exactly the same JSON.

The older round-trip test only re-parsed the JSON text with json.loads, which cannot fail;
this one goes through the report model, for every kind of bundle the tests build.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.analysis import analyze_bundle
from onedrive_doctor.report import Report, render_json
from regfiles import WINDOWS_MANIFEST, write_bundle
from winbundles import (
    WIN7,
    WIN7_HOTFIXES,
    WIN10_22H2,
    WIN10_HOTFIXES,
    bundle,
    default_registry,
    probes,
    tls_scan,
)

_OFFLINE = probes(
    {"probe": "ncsi", "target": "http://x/", "status": "failed", "error": "refused"},
    {
        "probe": "dns",
        "target": "login.microsoftonline.com",
        "status": "failed",
        "error": "DNS NXDOMAIN",
        "result": {"rcode": "NXDOMAIN", "resolver": "the system resolver"},
    },
)


def _bundles(root: Path) -> dict[str, Path]:
    return {
        "empty": write_bundle(root / "empty", {}),
        "offline": write_bundle(root / "offline", {"probes.json": _OFFLINE}),
        "windows-manifest-only": write_bundle(
            root / "manifest", {"manifest.json": WINDOWS_MANIFEST}
        ),
        "windows-7": bundle(root / "w7", default_registry(WIN7), hotfixes_txt=WIN7_HOTFIXES),
        "windows-10-scanned": bundle(
            root / "w10",
            default_registry(WIN10_22H2),
            hotfixes_txt=WIN10_HOTFIXES,
            probes_json=probes(tls_scan(policy="TLSv1.2_2023")),
        ),
        "unreadable-probes": write_bundle(
            root / "bad", {"manifest.json": WINDOWS_MANIFEST, "probes.json": "{not json"}
        ),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "empty",
        "offline",
        "windows-manifest-only",
        "windows-7",
        "windows-10-scanned",
        "unreadable-probes",
    ],
)
def test_report_json_round_trips_through_the_model(tmp_path: Path, kind: str) -> None:
    first = render_json(analyze_bundle(_bundles(tmp_path)[kind]))
    again = render_json(Report.from_json(json.loads(first)))
    assert again == first


def test_a_changed_report_does_not_round_trip_silently(tmp_path: Path) -> None:
    # The comparison can fail: a finding with another status renders differently
    data = json.loads(render_json(analyze_bundle(_bundles(tmp_path)["windows-7"])))
    sch001 = next(f for f in data["findings"] if f["id"] == "SCH001")
    assert sch001["status"] == "fail"
    sch001["status"] = "pass"
    again = json.loads(render_json(Report.from_json(data)))
    assert again["summary"] != data["summary"]
    assert next(f for f in again["findings"] if f["id"] == "SCH001")["status"] == "pass"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(findings="x"), "findings is not a list"),
        (
            lambda d: d["findings"][0].update(status="fine"),
            "findings[0]: 'fine' is not a valid Status",
        ),
        (lambda d: d["findings"][2].update(message=3), "findings[2].message is not a string"),
        (lambda d: d.update(schema_version=9), "report schema_version 9 is not supported"),
    ],
)
def test_a_bad_report_is_one_clear_error(tmp_path: Path, change: Any, message: str) -> None:
    data = json.loads(render_json(analyze_bundle(_bundles(tmp_path)["offline"])))
    change(data)
    with pytest.raises(ValueError) as caught:
        Report.from_json(data)
    assert str(caught.value) == message
