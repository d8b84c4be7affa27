"""Issue 9 points 10 and 11: --quiet, --format csv, --error in the header, scan URLs, IPv6
targets, the --timeout range, simulate's text, progress lines, host-OS fixes, HTML details."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor._cli import _scan_target
from onedrive_doctor._cli._phases import Progress
from onedrive_doctor.model import ArticleStep, Finding, Fix, Severity, Status
from onedrive_doctor.report import Report
from onedrive_doctor.report.csv_report import render_csv
from onedrive_doctor.report.html_report import render_html
from regfiles import write_bundle
from winbundles import WIN7, WIN10_22H2, bundle, default_registry


def _offline(root: Path, host_os: str = "Windows", error: str = "refused") -> Path:
    probes = {
        "attempts": [
            {"probe": "ncsi", "target": "http://x/", "status": "failed", "error": error},
            {
                "probe": "dns",
                "target": "login.microsoftonline.com",
                "status": "failed",
                "error": "NXDOMAIN",
                "result": {"rcode": "NXDOMAIN", "resolver": "r"},
            },
        ]
    }
    manifest = {
        "schema_version": 1,
        "tool": {"name": "onedrive-doctor", "version": "0.1.0"},
        "created": "2026-11-20T10:00:00+00:00",
        "host": {"os": host_os, "release": "6.1"},
        "files": [],
        "redacted": False,
    }
    return write_bundle(
        root, {"probes.json": json.dumps(probes), "manifest.json": json.dumps(manifest)}
    )


NET001_MESSAGE = (
    "No internet connection: the connectivity probe got no answer (http://x/: refused) and none "
    "of the required endpoints could be reached (e.g. login.microsoftonline.com: NXDOMAIN)."
)


# ---- --quiet -------------------------------------------------------------------------------


def test_quiet_prints_only_the_verdict_line(cli: Any, tmp_path: Path) -> None:
    result = cli("analyze", str(_offline(tmp_path)), "--quiet")
    assert result.code == 1
    assert result.out == f"FAIL: NET001 internet-unreachable: {NET001_MESSAGE} (+1 more)\n"
    assert result.err == ""


def test_quiet_never_says_ok_when_checks_could_not_run(cli: Any, tmp_path: Path) -> None:
    result = cli("analyze", str(write_bundle(tmp_path, {"probes.json": "{}"})), "-q")
    assert result.code == 0
    assert result.out.startswith("UNKNOWN: no blocking cause found, but ")
    assert result.out.endswith(" check(s) could not run (run without --quiet to see which)\n")


# ---- --format csv --------------------------------------------------------------------------


def test_csv_has_one_row_per_finding(cli: Any, tmp_path: Path) -> None:
    result = cli("analyze", str(_offline(tmp_path)), "--format", "csv")
    assert result.code == 1
    assert "\r\n" in result.out
    rows = list(csv.reader(io.StringIO(result.out, newline="")))
    assert rows[0] == ["id", "name", "step", "status", "severity", "message", "fix_title"]
    report = cli("analyze", str(tmp_path), "--format", "json").json()
    assert [row[0] for row in rows[1:]] == [f["id"] for f in report["findings"]]
    assert rows[1] == [
        "NET001",
        "internet-unreachable",
        "connectivity",
        "fail",
        "error",
        NET001_MESSAGE,
        "Connect this PC to a working network, then sign in to OneDrive again",
    ]
    assert rows[2][:5] == ["NET002", "captive-portal", "connectivity", "unknown", ""]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_cannot_be_formulas(start: str) -> None:
    hostile = f'{start}HYPERLINK("http://evil/","x"), with "quotes"\nand a line'
    finding = Finding(
        "NET001",
        hostile,
        ArticleStep.CONNECTIVITY,
        Status.FAIL,
        Severity.ERROR,
        hostile,
        fix=Fix(hostile),
    )
    text = render_csv(Report(findings=(finding,), origin="x"))
    row = list(csv.reader(io.StringIO(text, newline="")))[1]
    assert row == ["NET001", "'" + hostile, "connectivity", "fail", "error"] + ["'" + hostile] * 2
    # RFC 4180: the quotes are doubled inside a quoted field.
    assert '""http://evil/""' in text


# ---- --error CODE in the header ------------------------------------------------------------


def test_error_code_is_in_every_header(cli: Any, tmp_path: Path) -> None:
    root = str(_offline(tmp_path))
    text = cli("analyze", root, "--error", "8004DE85").out
    assert text.splitlines()[0] == "onedrive-doctor 0.1.0 — why OneDrive says 0x8004de85"
    page = cli("analyze", root, "--error", "8004DE85", "--format", "html").out
    assert "<h1>onedrive-doctor 0.1.0: why OneDrive says 0x8004de85</h1>" in page
    doc = cli("analyze", root, "--error", "8004DE85", "--format", "json").json()
    assert doc["error_code"] == "0x8004de85"
    plain = cli("analyze", root).out
    assert plain.splitlines()[0] == (
        "onedrive-doctor 0.1.0 — why OneDrive says 0x8004de40 (can't connect to the cloud)"
    )


# ---- --timeout -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "3601", "-1"])
def test_timeout_out_of_range_says_the_range(cli: Any, tmp_path: Path, value: str) -> None:
    result = cli("analyze", str(tmp_path), "--timeout", value)
    assert result.code == 2
    assert result.err.splitlines()[-1] == (
        "onedrive-doctor analyze: error: argument --timeout: must be greater than 0 and at most "
        f"3600 seconds: '{value}'"
    )


# ---- scan targets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://host.example/", ("host.example", 443)),
        ("https://host.example:8443/path?q=1", ("host.example", 8443)),
        ("http://host.example/", ("host.example", 80)),
        ("https://[::1]:8443/", ("::1", 8443)),
        ("host.example:444", ("host.example", 444)),
        ("[::1]", ("::1", 443)),
    ],
)
def test_scan_takes_host_and_port_from_a_url(text: str, expected: tuple[str, int]) -> None:
    assert _scan_target(text) == expected


def test_scan_rejects_other_schemes(cli: Any) -> None:
    result = cli("scan", "ftp://host.example/")
    assert result.code == 2
    assert result.err.splitlines()[-1] == (
        "onedrive-doctor scan: error: argument HOST[:PORT]: only https:// or http:// URLs, "
        "got 'ftp://host.example/'"
    )


def _closed_port(family: int, address: str) -> int:
    import socket

    with socket.socket(family) as sock:
        sock.bind((address, 0))
        port: int = sock.getsockname()[1]
    return port


def test_scan_url_and_ipv6_target_print_as_such(cli: Any) -> None:
    import socket

    port = _closed_port(socket.AF_INET, "127.0.0.1")
    result = cli("scan", f"https://127.0.0.1:{port}/some/path", "--timeout", "2")
    assert result.code == 3
    assert result.err == (
        f"onedrive-doctor: error: nothing listens on 127.0.0.1:{port} (connection refused)\n"
    )
    if not socket.has_ipv6:
        return
    try:
        port6 = _closed_port(socket.AF_INET6, "::1")
    except OSError:
        return  # no ::1 on this machine
    result = cli("scan", f"[::1]:{port6}", "--timeout", "2")
    assert result.code == 3
    assert result.err == (
        f"onedrive-doctor: error: nothing listens on [::1]:{port6} (connection refused)\n"
    )


# ---- simulate text -------------------------------------------------------------------------


@pytest.mark.parametrize("version", [WIN7, WIN10_22H2])
def test_simulate_text_has_no_section_references_and_one_build(
    cli: Any, tmp_path: Path, version: str
) -> None:
    root = bundle(tmp_path, default_registry(version))
    result = cli("simulate", "--bundle", str(root))
    assert result.code == 0
    first = result.out.splitlines()[0]
    assert first.count("(build ") == 1, first
    assert "§" not in result.out
    assert not re.search(r"\(#\d", result.out)
    doc = json.loads(cli("simulate", "--bundle", str(root), "--format", "json").out)
    # Issue 10 point 7: the JSON's notes carry no section references either.
    assert not any("§" in note for note in doc["client"]["assumed"])


def test_simulate_windows_label_shows_the_build_once(cli: Any) -> None:
    result = cli("simulate", "--windows", "10 22H2")
    assert result.out.splitlines()[0] == (
        "10 22H2 (build 19045): the ClientHello its Schannel sends"
    )


# ---- progress ------------------------------------------------------------------------------


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_progress_on_a_terminal_at_once_elsewhere_after_a_second() -> None:
    now = [100.0]
    log = _Stream(tty=False)
    progress = Progress(stream=log, clock=lambda: now[0])
    progress("Resolving a...")
    now[0] = 100.99
    progress("Scanning a:443...")
    now[0] = 101.0
    progress("Analyzing...")
    assert log.getvalue() == "Analyzing...\n"

    tty = _Stream(tty=True)
    Progress(stream=tty, clock=lambda: 0.0)("Resolving a...")
    assert tty.getvalue() == "Resolving a...\n"

    quiet = _Stream(tty=True)
    Progress(quiet=True, stream=quiet, clock=lambda: 50.0)("Resolving a...")
    assert quiet.getvalue() == ""


def test_a_quick_scan_writes_no_progress_to_a_pipe(cli: Any) -> None:
    import socket

    port = _closed_port(socket.AF_INET, "127.0.0.1")
    result = cli("scan", f"127.0.0.1:{port}", "--timeout", "2")
    assert result.out == ""
    assert result.err.count("\n") == 1  # only the error line


# ---- fixes for the host OS -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("host_os", "present", "absent"),
    [
        ("Linux", "resolvectl flush-caches", "ipconfig"),
        ("Darwin", "dscacheutil -flushcache", "ipconfig"),
        ("Windows", "ipconfig /flushdns", "resolvectl"),
    ],
)
def test_dns_fix_is_for_the_host_os(
    cli: Any, tmp_path: Path, host_os: str, present: str, absent: str
) -> None:
    doc = cli("analyze", str(_offline(tmp_path, host_os)), "--format", "json").json()
    found = {f["id"]: f for f in doc["findings"]}
    steps = " ".join(found["NET003"]["fix"]["steps"] + found["NET001"]["fix"]["steps"])
    assert present in steps
    assert absent not in steps
    if host_os != "Windows":
        assert "Windows" not in steps


# ---- HTML details --------------------------------------------------------------------------


def test_html_csp_allows_exactly_its_own_script(cli: Any, tmp_path: Path) -> None:
    page = cli("analyze", str(_offline(tmp_path)), "--format", "html").out
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    assert csp.group(1) == (
        "default-src &#x27;none&#x27;; style-src &#x27;unsafe-inline&#x27;; "
        f"script-src &#x27;sha256-{digest}&#x27;; base-uri &#x27;none&#x27;; "
        "form-action &#x27;none&#x27;"
    )
    assert "src=" not in page and "<link" not in page  # self-contained


def test_html_commands_are_copyable_and_links_are_links(cli: Any, tmp_path: Path) -> None:
    page = cli("analyze", str(bundle(tmp_path, default_registry(WIN7))), "--format", "html").out
    assert (
        '<div class="cmd"><pre><code>reg add &quot;HKLM\\SYSTEM\\CurrentControlSet\\Control\\'
        "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client&quot; /v Enabled /t REG_DWORD "
        '/d 1 /f</code></pre><button type="button" class="copy">Copy</button></div>'
    ) in page
    assert (
        '<a href="https://onedrive.live.com" rel="noreferrer">https://onedrive.live.com</a>' in page
    )
    assert "overflow-wrap: anywhere" in page


def test_html_links_only_http_and_https() -> None:
    message = 'see javascript:alert(1) or https://a.example/x?"><b>y or data:text/html,z'
    finding = Finding("NET001", "n", ArticleStep.CONNECTIVITY, Status.FAIL, Severity.ERROR, message)
    page = render_html(Report(findings=(finding,), origin="x"))
    # The message shows twice (its step, and "What to do"): the https URL is the only link.
    assert re.findall(r'<a href="([^"]*)"', page) == ["https://a.example/x?"] * 2
    assert '<a href="https://a.example/x?" rel="noreferrer">https://a.example/x?</a>' in page
    assert "&quot;&gt;&lt;b&gt;y" in page
