"""collect --redact: names and identifiers go, the findings stay the same."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from onedrive_doctor.bundle.redact import Redactor, redact_bundle
from onedrive_doctor.parsers.text import decode_text
from regfiles import WINDOWS_MANIFEST, reg_bytes, write_bundle

FIXTURES = Path(__file__).parent / "fixtures" / "dsregcmd"
SECRETS = ("alice", "contoso", "rcmlab", "pc42", "3f2b9c1e", "proxy01")


def _bundle(root: Path) -> Path:
    onedrive = reg_bytes(
        r"[HKEY_CURRENT_USER\Software\Microsoft\OneDrive]"
        '\n"Version"="24.070.0407.0003"'
        '\n"OneDriveTrigger"="C:\\\\Users\\\\alice\\\\AppData\\\\Local\\\\Microsoft\\\\OneDrive'
        '\\\\OneDrive.exe"',
        r"[HKEY_CURRENT_USER\Software\Microsoft\OneDrive\Accounts\Business1]"
        '\n"UserEmail"="alice@contoso.com"'
        '\n"UserFolder"="C:\\\\Users\\\\alice\\\\OneDrive - Contoso"'
        '\n"ServiceEndpointUri"="https://contoso-my.sharepoint.com/personal/alice_contoso_com/_api"'
        '\n"ConfiguredTenantId"="3f2b9c1e-1111-4222-8333-444455556666"',
        r"[HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Internet Settings]"
        '\n"ProxyEnable"=dword:00000001\n"ProxyServer"="proxy01.corp.contoso.com:8080"',
    )
    probes = {
        "config": {
            "proxies": [{"source": "wininet", "url": "http://proxy01.corp.contoso.com:8080"}]
        },
        "attempts": [
            {
                "probe": "ncsi",
                "target": "http://www.msftconnecttest.com/connecttest.txt",
                "status": "ok",
                "via": "http://proxy01.corp.contoso.com:8080",
                "result": {"http_status": 200, "matched": True},
            },
            {
                "probe": "tcp",
                "target": "contoso-my.sharepoint.com:443",
                "status": "failed",
                "via": "http://proxy01.corp.contoso.com:8080",
                "error": "proxy http://proxy01.corp.contoso.com:8080 refused CONNECT: HTTP 403",
            },
            {
                "probe": "tcp",
                "target": "login.microsoftonline.com:443",
                "status": "ok",
                "via": "http://proxy01.corp.contoso.com:8080",
                "result": {},
            },
        ],
    }
    dsregcmd = (FIXTURES / "dsregcmd_domain_joined_scp_missing_ws2022_elevated.txt").read_bytes()
    nltest = (
        "           DC: \\\\DC1.rcmlab.local\n"
        "      Address: \\\\10.0.0.4\n"
        "     Dom Guid: 3f2b9c1e-1111-4222-8333-444455556666\n"
        "     Dom Name: rcmlab.local\n"
        "  Forest Name: rcmlab.local\n"
        " Dc Site Name: Default-First-Site-Name\n"
        "Our Site Name: Default-First-Site-Name\n"
        "        Flags: PDC GC DS LDAP KDC\n"
        "The command completed successfully\n"
    )
    return write_bundle(
        root,
        {
            "manifest.json": WINDOWS_MANIFEST,
            "registry/onedrive.reg": onedrive,
            "probes.json": json.dumps(probes),
            "dsregcmd.txt": dsregcmd.replace(b"rcmlab-ws2022-s", b"pc42"),
            "nltest.txt": nltest,
        },
    )


def _statuses(cli: Any, root: Path) -> dict[str, tuple[str, str | None]]:
    report = cli("analyze", str(root), "--format", "json").json()
    return {f["id"]: (f["status"], f["severity"]) for f in report["findings"]}


def _texts(root: Path) -> dict[str, str]:
    texts = {}
    for path in root.rglob("*"):
        if path.is_file():
            texts[str(path.relative_to(root))] = decode_text(path.read_bytes(), path.name)
    return texts


def test_redaction_keeps_every_finding_and_removes_every_secret(cli: Any, tmp_path: Path) -> None:
    original = _bundle(tmp_path / "original")
    redacted = tmp_path / "redacted"
    shutil.copytree(original, redacted)
    # the dsregcmd fixture's own header names its source; real output has none
    before = _statuses(cli, original)
    assert redact_bundle(redacted) > 5
    after = _statuses(cli, redacted)
    assert after == before
    for name, text in _texts(redacted).items():
        body = "\n".join(
            line
            for line in text.splitlines()
            if not line.startswith(("source:", "note:", "saved:"))
        )
        for secret in SECRETS:
            assert not re.search(secret, body, re.IGNORECASE), (name, secret)


def test_placeholders_are_stable_across_files(tmp_path: Path) -> None:
    root = _bundle(tmp_path)
    redact_bundle(root)
    texts = _texts(root)
    tenant = re.search(r"(tenant\d+)-my\.sharepoint\.com", texts["probes.json"])
    assert tenant is not None
    assert f"{tenant.group(1)}-my.sharepoint.com" in texts["registry/onedrive.reg"]
    proxy = re.search(r"http://(host\d+\.example\.invalid):8080", texts["probes.json"])
    assert proxy is not None
    assert f"{proxy.group(1)}:8080" in texts["registry/onedrive.reg"]


def test_microsoft_endpoints_are_kept() -> None:
    redactor = Redactor()
    text = (
        "Idp : login.windows.net\nhttps://login.microsoftonline.com/x\n"
        "User Identity : bob@outlook.com"
    )
    redactor.learn(text)
    out = redactor.apply(text)
    assert "login.windows.net" in out and "login.microsoftonline.com" in out
    assert "bob@outlook.com" not in out  # an address names a person, whatever its domain


def test_a_user_called_test_does_not_rename_dsregcmd_labels() -> None:
    redactor = Redactor()
    text = "C:\\Users\\Test\\AppData\n  DRS Discovery Test : PASS\n"
    redactor.learn(text)
    out = redactor.apply(text)
    assert "DRS Discovery Test : PASS" in out
    assert "\\Users\\user1\\" in out


def test_collect_redact_marks_the_manifest(cli: Any, tmp_path: Path) -> None:
    result = cli("collect", "-o", str(tmp_path), "--no-network", "--redact")
    assert result.code == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["redacted"] is True


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_redacts_without_error(text: str) -> None:
    redactor = Redactor()
    redactor.learn(text)
    assert isinstance(redactor.apply(text), str)


def test_a_broken_bundle_file_is_left_alone(tmp_path: Path) -> None:
    write_bundle(tmp_path, {"probes.json": '{"attempts": [', "registry/x.reg": b"\xff\xfe\x00"})
    redact_bundle(tmp_path)
    assert (tmp_path / "probes.json").read_text() == '{"attempts": ['
