"""Shared fixtures: a throwaway CA, real local servers, and a way to run the CLI in-process."""

from __future__ import annotations

import json
import socket
import ssl
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme

sys.path.insert(0, str(Path(__file__).parent))

from servers.proxy import connect_proxy

ENDPOINT_NAMES = ("login.microsoftonline.com", "login.live.com", "localhost")


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def finding(self, check_id: str) -> dict[str, Any]:
        return next(f for f in self.json()["findings"] if f["id"] == check_id)


@pytest.fixture(autouse=True)
def _no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Any:
    from onedrive_doctor._cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
        else:  # main always exits
            raise AssertionError("main() returned without exiting")
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="session")
def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert(*ENDPOINT_NAMES).configure_cert(context)
    return context


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def proxy_port() -> Iterator[int]:
    with connect_proxy() as port:
        yield port


@pytest.fixture(scope="session")
def auth_proxy_port() -> Iterator[int]:
    with connect_proxy(basic_auth="helpdesk:s3cret") as port:
        yield port
