"""The wire package stays sans-I/O (like h11): no module in it may import a transport."""

from __future__ import annotations

import ast
from pathlib import Path

import onedrive_doctor.tls

FORBIDDEN = {"socket", "ssl", "asyncio", "selectors", "http", "urllib"}


def test_no_tls_module_imports_socket_ssl_or_asyncio() -> None:
    package = Path(onedrive_doctor.tls.__file__).parent
    offenders = []
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_public_api_is_exported_from_the_package() -> None:
    for name in onedrive_doctor.tls.__all__:
        assert getattr(onedrive_doctor.tls, name) is not None
    assert "ServerReader" in onedrive_doctor.tls.__all__
    assert "build_client_hello" in onedrive_doctor.tls.__all__
