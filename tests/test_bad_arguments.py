"""Arguments that used to end in a traceback (issue 11.11): one clear error and exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from winbundles import bundle, current_version, default_registry


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("scan", "x..y"),
            "argument HOST[:PORT]: not a valid host name (empty label, or a label over 63 "
            "characters): 'x..y'",
        ),
        (
            ("scan", "a" * 64 + ".example"),
            "argument HOST[:PORT]: not a valid host name (empty label, or a label over 63 "
            f"characters): {'a' * 64 + '.example'!r}",
        ),
        (
            ("scan", "127.0.0.1", "--sni", "a" * 70_000),
            "argument --sni: not a valid host name (empty label, or a label over 63 "
            f"characters): {'a' * 80!r}",
        ),
        (
            ("scan", ".".join(["a" * 60] * 5)),
            "argument HOST[:PORT]: not a valid host name (1 to 253 characters): "
            f"{'.'.join(['a' * 60] * 5)[:80]!r}",
        ),
    ],
)
def test_bad_names_are_usage_errors(cli: Any, args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert result.code == 2
    assert result.err.splitlines()[-1] == f"onedrive-doctor scan: error: {message}"
    assert "Traceback" not in result.err


def test_simulate_empty_windows_label(cli: Any) -> None:
    result = cli("simulate", "--windows", "")
    assert result.code == 2
    assert len(result.err.splitlines()) == 1
    assert result.err.startswith("onedrive-doctor: error: --windows: unknown Windows label ''; ")


def test_ca_file_that_is_not_pem(cli: Any, tmp_path: Path) -> None:
    root = bundle(tmp_path / "b", default_registry(current_version("Windows 10 Pro", 19045)))
    not_pem = tmp_path / "passwd"
    not_pem.write_text("root:x:0:0:root:/root:/bin/bash\n")
    result = cli("analyze", str(root), "--live", "--ca-file", str(not_pem))
    assert result.code == 2
    assert (
        result.err
        == f"onedrive-doctor: error: --ca-file {not_pem}: not a PEM file of certificates\n"
    )
