"""The fix plan page in a real headless Chromium: no console error (a CSP violation of the copy
script is one), no horizontal overflow on a 390 px phone, every command copyable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cdp import CHROMIUM, Browser
from fixbundles import fixable_bundle
from test_html_phone import _errors, _evaluate, _open

pytestmark = [
    pytest.mark.chromium,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = Browser()
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.mark.parametrize("check", ["SCH001", "WHT001"])
def test_fix_plan_page_fits_a_phone_and_runs_its_copy_script(
    check: str, cli: Any, tmp_path: Path, browser: Browser
) -> None:
    root = fixable_bundle(tmp_path, check)
    page = tmp_path / "plan.html"
    result = cli("fix", "--bundle", str(root), "--format", "html", "-o", str(page))
    assert result.code == 1, result.err
    session, events = _open(browser, page)
    width = _evaluate(browser, session, "document.documentElement.scrollWidth")
    commands = _evaluate(
        browser,
        session,
        "(function(){var b=document.querySelectorAll('button.copy');"
        "b.forEach(function(x){x.click();});"
        "return Array.prototype.map.call(document.querySelectorAll('.cmd pre'),"
        "function(p){return p.textContent;});})()",
    )
    assert _errors(events) == []
    assert width <= 390, f"scrollWidth {width} > 390"
    assert commands and all(c.startswith("reg add ") for c in commands)
