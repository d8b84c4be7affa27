"""--format html: a standalone page, with everything from the bundle escaped."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from regfiles import write_bundle


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _offline(root: Path, error: str = "refused") -> Path:
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
    return write_bundle(root, {"probes.json": json.dumps(probes)})


def test_html_report_is_a_page_with_the_findings_and_fixes(cli: Any, tmp_path: Path) -> None:
    result = cli("analyze", str(_offline(tmp_path)), "--format", "html")
    assert result.code == 1
    page = _Collector()
    page.feed(result.out)
    assert page.tags[:2] == ["html", "head"]
    # Issue 9 point 10: one script now, the inline copy-button handler the CSP allows by hash.
    assert page.tags.count("script") == 1
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in result.out
    text = "".join(page.text)
    assert "NET001" in text and "What to do, most important first" in text
    assert "Connect this PC to a working network" in text


def test_html_report_escapes_what_the_bundle_says(cli: Any, tmp_path: Path) -> None:
    result = cli(
        "analyze", str(_offline(tmp_path, "<script>alert(1)</script>")), "--format", "html"
    )
    # The page's own copy script is the only <script> (issue 9 point 10); the bundle's is text.
    assert result.out.count("<script>") == 1
    assert "<script>alert(1)" not in result.out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.out


def test_scan_has_no_html_format(cli: Any) -> None:
    assert cli("scan", "127.0.0.1:1", "--format", "html").code == 2
