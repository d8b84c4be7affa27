"""Bundle JSON is hostile input (issue 11.9): NaN / Infinity refused, lone surrogates replaced.

Before, a lone surrogate in manifest.json crashed the text and HTML reports (exit 1, which also
means "a check failed"), and NaN in probes.json made the JSON report invalid JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.bundle import BundleJsonError, load_json
from winbundles import bundle, current_version, default_registry


def strict(text: str) -> Any:
    """Parse as RFC 8259 JSON: NaN / Infinity are refused."""

    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} in a JSON report")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"a": NaN}', "NaN is not a JSON number"),
        ('{"a": Infinity}', "Infinity is not a JSON number"),
        ("[-Infinity]", "-Infinity is not a JSON number"),
        ('{"a": 1e999}', "1e999 is out of range"),
    ],
)
def test_non_finite_numbers_are_refused(text: str, reason: str) -> None:
    with pytest.raises(BundleJsonError) as caught:
        load_json(text.encode(), "probes.json")
    assert str(caught.value) == f"probes.json: not valid JSON ({reason})"


def test_lone_surrogates_are_replaced_in_keys_and_values() -> None:
    data = b'\xef\xbb\xbf{"k\\udc00": ["\\ud800x", {"y": "\\udfff"}], "ok": "\\ud83d\\ude00"}'
    assert load_json(data, "onedrive.json") == {
        "k\ufffd": ["\ufffdx", {"y": "\ufffd"}],
        "ok": "\U0001f600",  # a proper pair is one character, kept
    }


def test_not_utf8_is_a_problem_of_that_file() -> None:
    with pytest.raises(BundleJsonError) as caught:
        load_json(b'{"a": "\xff"}', "replay.json")
    assert str(caught.value).startswith("replay.json: not valid JSON (not UTF-8: ")


SURROGATE_PROBES = (
    '{"attempts": [{"probe": "ncsi", "target": "http://www.msftconnecttest.com/connecttest.txt",'
    ' "status": "error", "error": "boom\\ud800"}], "config": {}, "elapsed_s": 1.0}'
)


@pytest.mark.parametrize("fmt", ["text", "html", "json"])
def test_surrogates_in_probes_json_do_not_crash_any_report_file(
    cli: Any, tmp_path: Path, fmt: str
) -> None:
    root = bundle(
        tmp_path / "b",
        default_registry(current_version("Windows 10 Pro", 19045)),
        probes_json=SURROGATE_PROBES,
    )
    out = tmp_path / f"report.{fmt}"
    result = cli("analyze", str(root), "--format", fmt, "-o", str(out))
    # Before: UnicodeEncodeError writing the -o file, exit 1.
    assert (result.code, result.err) == (0, "")
    written = out.read_text(encoding="utf-8")
    if fmt == "json":
        net001 = next(f for f in strict(written)["findings"] if f["id"] == "NET001")
        assert net001["message"] == "the connectivity probe did not run (boom\ufffd)"
    elif fmt == "html":
        assert "boom\ufffd" in written
    else:
        assert written.startswith("onedrive-doctor ")


def test_nan_in_probes_json_is_that_files_problem_and_the_report_stays_json(
    cli: Any, tmp_path: Path
) -> None:
    root = bundle(
        tmp_path / "b",
        default_registry(current_version("Windows 10 Pro", 19045)),
        probes_json='{"attempts": [], "config": {}, "elapsed_s": NaN}',
    )
    result = cli("analyze", str(root), "--format", "json")
    report = strict(result.out)
    assert report["bundle"]["problems"] == {
        "probes.json": "probes.json: not valid JSON (NaN is not a JSON number)"
    }
    net001 = next(f for f in report["findings"] if f["id"] == "NET001")
    assert net001["status"] == "unknown"
