"""Issue 11 point 4: ``analyze --live`` never follows a route the bundle names.

A bundle comes from a PC we do not control; its ``probes.json`` could name any address as "the
proxy". The replay goes out through the analyst's own settings (and ``--proxy``); the bundle's
route is only shown in the report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from regfiles import WINDOWS_MANIFEST, reg_bytes, write_bundle
from servers.tls_profiles import CountingFront, tls_server

HOST = "login.microsoftonline.com"
CURRENT = r"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion]"


def _bundle(root: Path, via: str, port: int) -> Path:
    reg = reg_bytes(
        f'{CURRENT}\n"ProductName"="Windows 10 Pro"\n"CurrentBuild"="19045"\n'
        '"CurrentBuildNumber"="19045"'
    )
    probes = {
        "attempts": [{"probe": "tcp", "target": f"{HOST}:{port}", "status": "ok", "via": via}]
    }
    return write_bundle(
        root,
        {
            "manifest.json": WINDOWS_MANIFEST,
            "registry/cv.reg": reg,
            "probes.json": json.dumps(probes).encode(),
        },
    )


def test_analyze_live_ignores_the_proxy_a_bundle_names(
    cli: Any, tmp_path: Path, proxy_port: int
) -> None:
    # Given a real CONNECT proxy on loopback (behind a front that counts connections), named as
    # the route in a bundle's probes.json
    front = CountingFront(proxy_port)
    try:
        with tls_server("afd-2023") as server:
            via = f"http://127.0.0.1:{front.port}"
            bundle = _bundle(tmp_path, via, server.port)
            # When the bundle is analysed live from here
            result = cli(
                "analyze",
                str(bundle),
                "--live",
                "--format",
                "json",
                "--endpoint",
                f"{HOST}:{server.port}",
                "--resolve",
                f"{HOST}:{server.port}:127.0.0.1",
                "--timeout",
                "3",
            )
        # Then the proxy never saw a connection: the replay went straight to the endpoint
        assert front.connections == 0
    finally:
        front.close()
    finding = result.finding("TLS001")
    assert (finding["status"], finding["severity"]) == ("pass", None)
    # And the report shows the bundle's route as evidence, saying it was not followed
    assert (
        f"replayed live from this machine's own network (the PC's route, {via}, was not "
        "followed)" in finding["message"]
    )


def test_analyze_live_with_proxy_uses_the_analysts_proxy(
    cli: Any, tmp_path: Path, proxy_port: int
) -> None:
    # Given a bundle naming one proxy, and the analyst's own --proxy another (both counted)
    bundle_front = CountingFront(proxy_port)
    own_front = CountingFront(proxy_port)
    try:
        with tls_server("afd-2023") as server:
            bundle = _bundle(tmp_path, f"http://127.0.0.1:{bundle_front.port}", server.port)
            result = cli(
                "analyze",
                str(bundle),
                "--live",
                "--format",
                "json",
                "--proxy",
                f"http://127.0.0.1:{own_front.port}",
                "--endpoint",
                f"localhost:{server.port}",
                "--timeout",
                "3",
            )
        # Then only the analyst's proxy carried the replay
        assert bundle_front.connections == 0
        assert own_front.connections >= 1
    finally:
        bundle_front.close()
        own_front.close()
    finding = result.finding("TLS001")
    assert (finding["status"], finding["severity"]) == ("pass", None)
