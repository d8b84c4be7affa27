"""Terminal reports: no escape codes or bidi overrides from evidence, and any output encoding.

Issue 11 point 12: ESC / CSI / OSC 8 / U+202E in bundle values, certificate subjects and zip
member names reached the terminal. Point 10: ``PYTHONIOENCODING=cp1252`` (what a redirected
stdout is on Windows) crashed the text report on the marks.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.report.console import printable
from onedrive_doctor.report.scan_text import render_scan
from regfiles import WINDOWS_MANIFEST, write_bundle
from test_idn_checks import HYBRID_PENDING

OSC8 = "\x1b]8;;http://evil.example/\x1b\\click me\x1b]8;;\x1b\\"
PAYLOAD = f"CON\x1b[31mTOSO{OSC8}\u202etxt.exe\x9b2J"
SHOWN = (
    "CON\\x1b[31mTOSO\\x1b]8;;http://evil.example/\\x1b\\click me\\x1b]8;;\\x1b\\"
    "\\u202etxt.exe\\x9b2J"
)
FORBIDDEN = ("\x1b", "\u202e", "\x9b", "\x07")


def _hostile_bundle(root: Path) -> Path:
    dsregcmd = HYBRID_PENDING.replace("CONTOSO", PAYLOAD)
    return write_bundle(root, {"manifest.json": WINDOWS_MANIFEST, "dsregcmd.txt": dsregcmd})


def test_printable_shows_controls_and_bidi_overrides_as_escapes() -> None:
    assert printable(PAYLOAD) == SHOWN
    assert (
        printable("tab\tand\nnewline stay; jürgen stays") == "tab\tand\nnewline stay; jürgen stays"
    )
    assert printable("\u2066\u2069\u200f\x00\x7f") == "\\u2066\\u2069\\u200f\\x00\\x7f"


@pytest.mark.parametrize("color", [[], ["--color", "always"]])
def test_no_escape_code_from_a_dsregcmd_value_reaches_the_text_report(
    cli: Any, tmp_path: Path, color: list[str]
) -> None:
    result = cli("analyze", str(_hostile_bundle(tmp_path)), *color)
    assert result.code == 1
    assert "IDN001" in result.out
    assert "\u202e" not in result.out and "\x9b" not in result.out
    assert "]8;;" not in result.out.replace("\\x1b]8;;", "")  # no live OSC 8 link
    plain = result.out if not color else _strip_sgr(result.out)
    assert "\x1b" not in plain
    assert "(domain CON\\x1b[31mTOSO\\x1b]8;;http://evil.example/\\x1b\\click" in " ".join(
        plain.split()
    )


def _strip_sgr(text: str) -> str:
    # rich's own colour codes are "ESC [ digits;... m"; anything else with an ESC is injected.
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_a_certificate_subject_with_escape_codes_is_shown_escaped_in_scan_text() -> None:
    result = {
        "target": {"host": "evil\x1b[2J.example", "port": 443, "address": "127.0.0.1", "sni": None},
        "protocols": {
            "TLSv1.2": {
                "accepted": True,
                "server_order": True,
                "cipher_suites": [{"name": "TLS_\x1b[5mX", "code": 49199}],
                "notes": ["alert \u202egnp"],
            }
        },
        "groups": {"TLSv1.3": ["x25519\x07"]},
        "certificate_chain": [
            {
                "subject": f"CN={OSC8}",
                "issuer": "CN=\u202eevil",
                "not_after": "2030-01-01T00:00:00",
                "key": "RSA 2048",
            }
        ],
        "afd_policy": None,
        "connections": 3,
        "elapsed_s": 0.5,
    }
    text = render_scan(result)
    for forbidden in FORBIDDEN:
        assert forbidden not in text
    assert "CN=\\x1b]8;;http://evil.example/\\x1b\\click me\\x1b]8;;\\x1b\\" in text
    assert "issued by CN=\\u202eevil" in text
    assert "TLS_\\x1b[5mX (49199)" in text


def test_a_zip_member_name_with_escape_codes_is_escaped_in_the_error_line(
    cli: Any, tmp_path: Path
) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../\x1b[31mevil\u202e.reg", "x")
    result = cli("analyze", str(archive))
    assert result.code == 3
    assert result.err == (
        f"onedrive-doctor: error: {archive}: unsafe path in archive: ../\\x1b[31mevil\\u202e.reg\n"
    )


def _run(encoding: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    env.pop("PYTHONUTF8", None)
    return subprocess.run(
        [sys.executable, "-m", "onedrive_doctor", *args],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_a_stdout_that_cannot_carry_the_marks_gets_ascii_marks(
    tmp_path: Path, encoding: str
) -> None:
    bundle = write_bundle(
        tmp_path / "b", {"manifest.json": WINDOWS_MANIFEST, "dsregcmd.txt": HYBRID_PENDING}
    )
    done = _run(encoding, "analyze", str(bundle))
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr
    out = done.stdout.decode(encoding)
    assert "[FAIL] 4. Device join (Windows 10/11): problem found" in out
    assert "[ ? ] 1. Internet connection: could not be checked" in out
    assert "\u2718" not in out and "\u2714" not in out


def test_an_output_file_is_utf_8_and_keeps_the_marks_under_cp1252(tmp_path: Path) -> None:
    bundle = write_bundle(
        tmp_path / "b", {"manifest.json": WINDOWS_MANIFEST, "dsregcmd.txt": HYBRID_PENDING}
    )
    report = tmp_path / "report.txt"
    done = _run("cp1252", "analyze", str(bundle), "-o", str(report))
    assert done.returncode == 1, done.stderr
    text = report.read_text(encoding="utf-8")
    assert "\u2718 4. Device join (Windows 10/11): problem found" in text
    assert "[FAIL]" not in text


def test_a_value_cp1252_lacks_is_escaped_not_a_crash(tmp_path: Path) -> None:
    dsregcmd = HYBRID_PENDING.replace("CONTOSO", "\u5bcc\u58eb\u901a")  # a Japanese domain name
    bundle = write_bundle(
        tmp_path / "b", {"manifest.json": WINDOWS_MANIFEST, "dsregcmd.txt": dsregcmd}
    )
    done = _run("cp1252", "analyze", str(bundle))
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr
    assert "(domain \\u5bcc\\u58eb\\u901a)" in done.stdout.decode("cp1252")
