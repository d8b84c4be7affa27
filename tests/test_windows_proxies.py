"""Proxies a Windows bundle configures (WinINet, WinHTTP, PAC): NET007, and probes that use them."""

from __future__ import annotations

import json
import ssl
import struct
from pathlib import Path
from typing import Any

import pytest

from onedrive_doctor.knowledge.endpoints import Endpoint
from onedrive_doctor.probes.connectivity import NetworkOptions, run_network_probes
from onedrive_doctor.registry.regfile import Registry
from regfiles import WINDOWS_MANIFEST, reg_bytes, write_bundle
from servers.web import web_server

INET = r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Internet Settings"
WINHTTP = (
    r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings"
    r"\Connections"
)


def _blob(flags: int, proxy: str = "", bypass: str = "", pac: str = "") -> str:
    """A WinHttpSettings value as `reg export` prints it (hex:...)."""
    data = struct.pack("<III", 0x18, 0, flags)
    for text in (proxy, bypass):
        data += struct.pack("<I", len(text)) + text.encode()
    if pac:
        data += struct.pack("<I", len(pac)) + pac.encode()
    return "hex:" + ",".join(f"{b:02x}" for b in data)


def _wininet(proxy: str | None = None, pac: str | None = None) -> str:
    lines = [f"[{INET}]", f'"ProxyEnable"=dword:0000000{1 if proxy else 0}']
    if proxy:
        lines.append(f'"ProxyServer"="{proxy}"')
    if pac:
        lines.append(f'"AutoConfigURL"="{pac}"')
    return "\n".join(lines)


def _winhttp(flags: int, proxy: str = "", pac: str = "") -> str:
    return f'[{WINHTTP}]\n"WinHttpSettings"={_blob(flags, proxy, "", pac)}'


def _analyze(cli: Any, root: Path, *blocks: str) -> dict[str, Any]:
    write_bundle(
        root, {"manifest.json": WINDOWS_MANIFEST, "registry/proxy.reg": reg_bytes(*blocks)}
    )
    result = cli("analyze", str(root), "--format", "json")
    return result.finding("NET007")


def test_net007_fails_when_only_internet_options_has_the_proxy(cli: Any, tmp_path: Path) -> None:
    finding = _analyze(cli, tmp_path, _wininet(proxy="proxy.contoso.com:8080"), _winhttp(1))
    assert (finding["status"], finding["severity"]) == ("fail", "warning")
    assert "Internet Options use the proxy proxy.contoso.com:8080" in finding["message"]
    assert "WinHTTP (winhttp) uses a direct connection" in finding["message"]
    assert "netsh winhttp import proxy source=ie" in finding["fix"]["title"]


def test_net007_passes_when_both_stacks_use_the_same_proxy(cli: Any, tmp_path: Path) -> None:
    finding = _analyze(
        cli,
        tmp_path,
        _wininet(proxy="proxy.contoso.com:8080"),
        _winhttp(3, "proxy.contoso.com:8080"),
    )
    assert (finding["status"], finding["severity"]) == ("pass", None)


def test_net007_passes_when_both_are_direct(cli: Any, tmp_path: Path) -> None:
    finding = _analyze(cli, tmp_path, _wininet(), _winhttp(1))
    assert (finding["status"], finding["severity"]) == ("pass", None)


def test_net007_is_unknown_without_winhttp_settings(cli: Any, tmp_path: Path) -> None:
    finding = _analyze(cli, tmp_path, _wininet(proxy="p:1"))
    assert (finding["status"], finding["severity"]) == ("unknown", None)
    assert "WinHTTP" in finding["message"]


def test_net007_is_unknown_without_a_registry(cli: Any, tmp_path: Path) -> None:
    write_bundle(tmp_path, {"manifest.json": WINDOWS_MANIFEST})
    finding = cli("analyze", str(tmp_path), "--format", "json").finding("NET007")
    assert (finding["status"], finding["severity"]) == ("unknown", None)
    assert "no Windows evidence" in finding["message"]


def _registry(*blocks: str) -> Registry:
    return Registry.from_files([("registry/proxy.reg", reg_bytes(*blocks))])


def _probe(registry: Registry, endpoint: Endpoint, ca_file: str, probe_url: str) -> dict[str, Any]:
    opts = NetworkOptions(
        timeout=2,
        budget=6,
        ca_files=(ca_file,),
        probe_url=probe_url,
        endpoints=(endpoint,),
        environ={},
    )
    return run_network_probes(opts, registry)


def test_probes_use_the_wininet_proxy_of_the_bundle(
    ca_file: str, proxy_port: int, server_context: ssl.SSLContext
) -> None:
    with web_server("ncsi") as probe, web_server("endpoint", server_context) as endpoint:
        registry = _registry(_wininet(proxy=f"127.0.0.1:{proxy_port}"), _winhttp(1))
        doc = _probe(
            registry,
            Endpoint("localhost", endpoint.port),
            ca_file,
            f"http://127.0.0.1:{probe.port}/",
        )
    tcp = next(a for a in doc["attempts"] if a["probe"] == "tcp")
    assert tcp["status"] == "ok"
    assert tcp["via"] == f"http://127.0.0.1:{proxy_port}"
    dns = next(a for a in doc["attempts"] if a["probe"] == "dns")
    assert dns["status"] == "skipped"
    https = next(a for a in doc["attempts"] if a["probe"] == "https")
    assert https["status"] == "ok"


def test_probes_follow_a_pac_file_evaluated_by_a_javascript_engine(
    ca_file: str, proxy_port: int, server_context: ssl.SSLContext, tmp_path: Path
) -> None:
    pac = (
        "function FindProxyForURL(url, host) {\n"
        "  if (shExpMatch(host, '*.example.invalid')) return 'DIRECT';\n"
        f"  if (dnsDomainIs(host, 'localhost')) return 'PROXY 127.0.0.1:{proxy_port}; DIRECT';\n"
        "  return 'DIRECT';\n"
        "}\n"
    )
    with web_server("ncsi") as probe, web_server("endpoint", server_context) as endpoint:
        (tmp_path / "proxy.pac").write_text(pac)
        pac_server = _static_server(tmp_path)
        try:
            url = f"http://127.0.0.1:{pac_server.server_address[1]}/proxy.pac"
            registry = _registry(_wininet(pac=url), _winhttp(1))
            doc = _probe(
                registry,
                Endpoint("localhost", endpoint.port),
                ca_file,
                f"http://127.0.0.1:{probe.port}/",
            )
        finally:
            pac_server.shutdown()
            pac_server.server_close()
    kinds = {a["probe"]: a for a in doc["attempts"]}
    assert kinds["pac"]["status"] == "ok"
    assert kinds["tcp"]["via"] == f"http://127.0.0.1:{proxy_port}"
    assert kinds["https"]["status"] == "ok"


def test_an_unreachable_pac_file_is_a_proxy_failure(
    cli: Any, ca_file: str, tmp_path: Path, closed_port: int
) -> None:
    registry = _registry(_wininet(pac=f"http://127.0.0.1:{closed_port}/proxy.pac"), _winhttp(1))
    doc = _probe(
        registry, Endpoint("localhost", closed_port), ca_file, f"http://127.0.0.1:{closed_port}/"
    )
    write_bundle(tmp_path, {"probes.json": json.dumps(doc)})
    finding = cli("analyze", str(tmp_path), "--format", "json").finding("NET005")
    assert (finding["status"], finding["severity"]) == ("fail", "error")
    assert "proxy.pac" in finding["message"]


def _static_server(folder: Path) -> Any:
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.windows_only
def test_live_collection_exports_the_registry(tmp_path: Path) -> None:  # pragma: no cover
    import platform

    if platform.system() != "Windows":
        pytest.skip("needs a live Windows machine (reg.exe)")
    from onedrive_doctor.bundle import BundleWriter
    from onedrive_doctor.collect.windows import collect_windows

    registry = collect_windows(BundleWriter(tmp_path))
    assert registry is not None
    assert registry.has_key(r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion")
