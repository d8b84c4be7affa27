"""Issue 9 point 10: the HTML report on a 390 px phone, in a real headless Chromium.

Each bundle below is rendered with ``analyze --format html``, opened from a file at 390 px
(mobile emulation, so the viewport tag matters), and must show no console error (a CSP
violation of the copy script is one) and no horizontal overflow. The screenshots are kept in
``$ONEDRIVE_DOCTOR_ARTEFACTS/html-phone/`` when that variable is set, else in pytest's tmp_path.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cdp import CHROMIUM, Browser
from regfiles import write_bundle
from winbundles import (
    WIN7,
    WIN10_22H2,
    WIN11_24H2,
    bundle,
    default_registry,
    freeze_today,
    probes,
)

pytestmark = [
    pytest.mark.chromium,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]

LONG = "a" * 120 + ".contoso-very-long-subdomain-name-without-any-break." + "b" * 80 + ".com"


def _offline() -> str:
    return probes(
        {"probe": "ncsi", "target": "http://x/", "status": "failed", "error": "refused"},
        {
            "probe": "dns",
            "target": LONG,
            "status": "failed",
            "error": f"NXDOMAIN for {LONG} <script>alert(1)</script>",
            "result": {"rcode": "NXDOMAIN", "resolver": "r"},
        },
    )


BUNDLES: dict[str, Any] = {
    "win7": lambda root: bundle(root, default_registry(WIN7)),
    "win10-offline": lambda root: bundle(
        root, default_registry(WIN10_22H2), probes_json=_offline()
    ),
    "win11": lambda root: bundle(root, default_registry(WIN11_24H2)),
    "not-windows-offline": lambda root: write_bundle(root, {"probes.json": _offline()}),
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = Browser()
    try:
        yield chromium
    finally:
        chromium.close()


def _artefacts(tmp_path: Path) -> Path:
    base = os.environ.get("ONEDRIVE_DOCTOR_ARTEFACTS")
    folder = Path(base) / "html-phone" if base else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open(browser: Browser, page: Path) -> tuple[str, list[dict[str, Any]]]:
    target = browser.call("Target.createTarget", url="about:blank")["targetId"]
    session = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
        browser.call(domain, session)
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        session,
        width=390,
        height=844,
        deviceScaleFactor=1,
        mobile=True,
    )
    browser.events.clear()
    browser.call("Page.navigate", session, url=page.as_uri())
    browser.wait_event("Page.loadEventFired")
    return session, browser.events


def _errors(events: list[dict[str, Any]]) -> list[str]:
    found = []
    for event in events:
        params = event.get("params", {})
        if event.get("method") == "Runtime.exceptionThrown":
            found.append(json.dumps(params["exceptionDetails"])[:300])
        elif event.get("method") == "Runtime.consoleAPICalled" and params["type"] == "error":
            found.append(json.dumps(params["args"])[:300])
        elif event.get("method") == "Log.entryAdded" and params["entry"]["level"] == "error":
            found.append(params["entry"]["text"])
    return found


def _evaluate(browser: Browser, session: str, expression: str) -> Any:
    return browser.call("Runtime.evaluate", session, expression=expression, returnByValue=True)[
        "result"
    ]["value"]


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_html_report_fits_a_phone_without_console_errors(
    name: str, cli: Any, tmp_path: Path, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze_today(monkeypatch)
    root = BUNDLES[name](tmp_path / "bundle")
    page = tmp_path / f"{name}.html"
    result = cli("analyze", str(root), "--format", "html", "-o", str(page))
    assert result.code in (0, 1), result.err
    session, events = _open(browser, page)
    width = _evaluate(browser, session, "document.documentElement.scrollWidth")
    # Every copy button is clicked: the inline script runs under the CSP without an error.
    buttons = _evaluate(
        browser,
        session,
        "(function(){var b=document.querySelectorAll('button.copy');"
        "b.forEach(function(x){x.click();});return b.length;})()",
    )
    shot = browser.call("Page.captureScreenshot", session, format="png", captureBeyondViewport=True)
    (_artefacts(tmp_path) / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))
    assert _errors(events) == []
    assert width <= 390, f"{name}: scrollWidth {width} > 390"
    if name == "win7":
        assert buttons >= 1
