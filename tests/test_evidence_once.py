"""Evidence parsed once: judged as of collection; one bad registry export spoils only itself."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from winbundles import (
    EMPTY_SCHANNEL,
    WIN7,
    WIN10_22H2,
    bundle,
    findings,
    manifest_collected,
    status,
)

ERROR_TEXT = "ERROR: The system was unable to find the specified registry key or value.\r\n"
HEADER = "Windows Registry Editor Version 5.00\r\n\r\n"
POLICY = r"[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002]"


def test_an_old_bundle_is_judged_as_of_its_collection(cli: Any, tmp_path: Path) -> None:
    old = bundle(tmp_path / "old", {"currentversion": WIN10_22H2})
    (old / "manifest.json").write_text(manifest_collected(datetime.date(2025, 6, 1)))
    assert status(findings(cli, old)["OS002"]) == ("OS002", "pass", None)
    new = bundle(tmp_path / "new", {"currentversion": WIN10_22H2})
    (new / "manifest.json").write_text(manifest_collected(datetime.date(2026, 6, 1)))
    found = findings(cli, new)["OS002"]
    assert status(found) == ("OS002", "fail", "warning")
    assert found["evidence"]["today"] == "2026-06-01"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        ERROR_TEXT.encode("ascii"),
        b"\xfe\xff" + (HEADER + POLICY + "\r\n").encode("utf-16-be"),
        (HEADER + POLICY + '\r\n"Note"="caf\xe9"\r\n').encode("cp1252"),
    ],
    ids=["empty", "reg-error", "utf-16be", "cp1252"],
)
def test_one_bad_ssl_policy_export_leaves_the_windows_7_diagnosis(
    cli: Any, tmp_path: Path, data: bytes
) -> None:
    root = bundle(tmp_path, {"currentversion": WIN7, "schannel": EMPTY_SCHANNEL})
    (root / "registry" / "ssl-policy.reg").write_bytes(data)
    result = cli("analyze", str(root), "--format", "json")
    found = {f["id"]: f for f in result.json()["findings"]}
    assert status(found["SCH001"]) == ("SCH001", "fail", "error")
    assert status(found["OS001"]) == ("OS001", "fail", "error")
    assert status(found["OS002"]) == ("OS002", "fail", "warning")
    problems = result.json()["bundle"]["problems"]
    if data == b"":
        assert problems == {
            "registry/ssl-policy.reg": "registry/ssl-policy.reg:1: not a registry export: "
            "the file is empty"
        }
    else:
        assert problems == {}
