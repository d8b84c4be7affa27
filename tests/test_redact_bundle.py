"""Issue 11 point 2: redaction that neither misses nor damages, and ``redact BUNDLE -o OUT``.

The bundle holds every kind of identifier the issue found leaking, in the encodings Windows
writes (UTF-16LE with and without a BOM, cp850 console output, JSON with \\u escapes). The
redacted bundle is searched for each original identifier in UTF-8, UTF-16LE/BE, the 8-bit code
pages and JSON escapes, upper and lower case; and it must analyse to the same findings.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

from onedrive_doctor.bundle.redact import redact_bundle
from onedrive_doctor.parsers.text import decode_text_as, encode_text
from regfiles import WINDOWS_MANIFEST, reg_bytes, write_bundle

FIXTURES = Path(__file__).parent / "fixtures" / "dsregcmd"
CID = "a1b2c3d4e5f60718"
IDENTIFIERS = (
    "alice",
    "jürgen",
    "contoso",
    "Fabrikam",
    "rcmlab",
    "pc42",
    "3f2b9c1e",
    "proxy01",
    CID,
    "9c8d7e6f",
)
# Text that names no one, which redaction must give back byte for byte.
CP850_WORD = "Sicherheitsupdate für Windows"
HOTFIXES = (
    "\r\n"
    "Source        Description      HotFixID      InstalledBy          InstalledOn\r\n"
    "------        -----------      --------      -----------          -----------\r\n"
    "PC42          Security Update  KB5034441     RCMLAB\\jürgen        1/9/2024 12:00:00 AM\r\n"
    "PC42          Update           KB5011048     NT AUTHORITY\\SYSTEM  2/8/2022 12:00:00 AM\r\n"
    "\r\n"
    f"{CP850_WORD}\r\n"
)


def _dsregcmd() -> bytes:
    raw = (FIXTURES / "dsregcmd_domain_joined_scp_missing_ws2022_elevated.txt").read_text()
    body = "\n".join(
        line for line in raw.splitlines() if not line.startswith(("source:", "note:", "saved:"))
    )
    body = body.replace("rcmlab-ws2022-s", "pc42")
    body += (
        "\n+----------------------------------------------------------------------+\n"
        "| Work Account                                                         |\n"
        "+----------------------------------------------------------------------+\n\n"
        "       WorkplaceTenantName : Fabrikam\n"
        "         WorkplaceTenantId : 9c8d7e6f-1111-4222-8333-444455556666\n"
    )
    # PowerShell 5's Out-File -Encoding Unicode without its BOM, as some scripts save it
    return body.replace("\n", "\r\n").encode("utf-16-le")


def _bundle(root: Path) -> Path:
    onedrive = reg_bytes(
        r"[HKEY_CURRENT_USER\Software\Microsoft\OneDrive]"
        '\n"Version"="24.070.0407.0003"',
        r"[HKEY_CURRENT_USER\Software\Microsoft\OneDrive\Accounts\Business1]"
        '\n"UserEmail"="jürgen@contoso.com"'
        '\n"UserFolder"="C:\\\\Users\\\\jürgen\\\\OneDrive - Contoso"'
        '\n"ServiceEndpointUri"="https://contoso-my.sharepoint.com/personal/alice_contoso_com/_api"'
        '\n"ConfiguredTenantId"="3f2b9c1e-1111-4222-8333-444455556666"',
        r"[HKEY_CURRENT_USER\Software\Microsoft\OneDrive\Accounts\Business1\Tenants\Fabrikam]"
        '\n"C:\\\\Users\\\\alice\\\\Fabrikam"=dword:00000001',
        r"[HKEY_CURRENT_USER\Software\Microsoft\OneDrive\Accounts\Personal]"
        f'\n"cid"="{CID}"\n"UserCid"="{CID}"',
        r"[HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Internet Settings]"
        '\n"ProxyEnable"=dword:00000001\n"ProxyServer"="proxy01.corp.contoso.com:8080"',
    )
    probes = {
        "attempts": [
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
    # json.dumps escapes "ü" as \u00fc: the name must still go whole, not as "user1\u00fcrgen"
    listing = {
        "installs": [
            {"path": "C:\\Users\\jürgen\\AppData\\Local\\Microsoft\\OneDrive", "scope": "user"}
        ],
        "folders": ["C:\\Users\\jürgen\\OneDrive - Contoso"],
    }
    nltest = (
        "           DC: \\\\DC1.rcmlab.local\n"
        "     Dom Name: rcmlab.local\n"
        "The command completed successfully\n"
    )
    return write_bundle(
        root,
        {
            "manifest.json": WINDOWS_MANIFEST,
            "registry/onedrive.reg": onedrive,
            "probes.json": json.dumps(probes),
            "onedrive.json": json.dumps(listing),
            "dsregcmd.txt": _dsregcmd(),
            "hotfixes.txt": HOTFIXES.encode("cp850"),
            "nltest.txt": nltest,
        },
    )


def _forms(identifier: str) -> set[bytes]:
    forms: set[bytes] = set()
    for variant in (identifier, identifier.upper(), identifier.lower()):
        for encoding in ("utf-8", "utf-16-le", "utf-16-be", "cp850", "cp1252"):
            forms.add(variant.encode(encoding))
        forms.add(json.dumps(variant)[1:-1].encode())
    return forms


def _leaks(root: Path) -> list[tuple[str, str]]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            name = path.relative_to(root).as_posix()
            found += [
                (name, identifier)
                for identifier in IDENTIFIERS
                if any(form in data for form in _forms(identifier))
            ]
    return found


def _findings(cli: Any, root: Path) -> dict[str, str]:
    report = cli("analyze", str(root), "--format", "json").json()
    return {f["id"]: f["status"] for f in report["findings"]}


def test_the_bundle_holds_every_identifier_before_redaction(tmp_path: Path) -> None:
    # The search below would find nothing if the bundle never held the names
    root = _bundle(tmp_path / "b")
    assert {identifier for _, identifier in _leaks(root)} == set(IDENTIFIERS)


def test_redact_command_leaves_no_identifier_and_the_same_findings(
    cli: Any, tmp_path: Path
) -> None:
    original = _bundle(tmp_path / "original")
    out = tmp_path / "redacted"
    result = cli("redact", str(original), "-o", str(out))
    assert result.code == 0, result.err
    assert _leaks(out) == []
    assert _findings(cli, out) == _findings(cli, original)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["redacted"] is True
    assert manifest["tool"]["name"] == "onedrive-doctor"


def test_files_keep_their_encoding(tmp_path: Path) -> None:
    original = _bundle(tmp_path / "original")
    redacted = tmp_path / "redacted"
    shutil.copytree(original, redacted)
    redact_bundle(redacted)
    hotfixes = (redacted / "hotfixes.txt").read_bytes()
    assert decode_text_as(hotfixes, "hotfixes.txt")[1] == "cp850"
    assert CP850_WORD.encode("cp850") in hotfixes  # not rewritten as cp1252
    text = hotfixes.decode("cp850")
    assert "KB5034441" in text and "NT AUTHORITY\\SYSTEM" in text
    row = next(line for line in text.splitlines() if "KB5034441" in line)
    assert row.index("KB5034441") == 31  # the columns are still where the header says
    dsregcmd = (redacted / "dsregcmd.txt").read_bytes()
    assert not dsregcmd.startswith(b"\xff\xfe")  # no BOM came in, none goes out
    assert decode_text_as(dsregcmd, "dsregcmd.txt")[1] == "utf-16-le"
    assert "WorkplaceTenantName : tenant" in dsregcmd.decode("utf-16-le")
    reg = (redacted / "registry" / "onedrive.reg").read_bytes()
    assert reg.startswith(b"\xff\xfe")
    assert f'"cid"="{1:016x}"' in reg.decode("utf-16")


def test_redaction_touches_only_the_bundles_own_files(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("alice@contoso.com C:\\Users\\alice")
    root = _bundle(tmp_path / "b")
    (root / "ecc-curves.txt").symlink_to(outside)  # a bundle's name, pointing out of it
    (root / "notes.txt").write_text("C:\\Users\\alice")  # a person's own file
    redact_bundle(root)
    assert outside.read_text() == "alice@contoso.com C:\\Users\\alice"
    assert (root / "ecc-curves.txt").is_symlink()
    assert (root / "notes.txt").read_text() == "C:\\Users\\alice"


def test_redact_command_copies_only_bundle_files_and_no_links(cli: Any, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("alice")
    root = _bundle(tmp_path / "b")
    (root / "ecc-curves.txt").symlink_to(outside)
    (root / "notes.txt").write_text("alice")
    out = tmp_path / "out"
    assert cli("redact", str(root), "-o", str(out)).code == 0
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == [
        "dsregcmd.txt",
        "hotfixes.txt",
        "manifest.json",
        "nltest.txt",
        "onedrive.json",
        "probes.json",
        "registry/onedrive.reg",
    ]
    assert outside.read_text() == "alice"


def test_redact_command_reads_a_zip(cli: Any, tmp_path: Path) -> None:
    root = _bundle(tmp_path / "b")
    archive = tmp_path / "b.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(root).as_posix())
    out = tmp_path / "out"
    assert cli("redact", str(archive), "-o", str(out)).code == 0
    assert _leaks(out) == []
    assert _findings(cli, out) == _findings(cli, root)


def test_redact_command_refuses_an_out_that_is_not_empty(cli: Any, tmp_path: Path) -> None:
    root = _bundle(tmp_path / "b")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = cli("redact", str(root), "-o", str(out))
    assert result.code == 3
    assert result.err.strip() == (
        f"onedrive-doctor: error: {out}: exists and is not empty; give a new or empty folder"
    )
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_redact_command_into_an_empty_folder(cli: Any, tmp_path: Path) -> None:
    root = _bundle(tmp_path / "b")
    out = tmp_path / "out"
    out.mkdir()
    assert cli("redact", str(root), "-o", str(out)).code == 0
    assert (out / "manifest.json").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_redact_command_on_a_missing_bundle_is_exit_3(cli: Any, tmp_path: Path) -> None:
    result = cli("redact", str(tmp_path / "nope"), "-o", str(tmp_path / "out"))
    assert result.code == 3
    assert "no such file or directory" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "out").exists()


def test_collect_redact_redacts_in_the_bundle_only(cli: Any, tmp_path: Path) -> None:
    result = cli("collect", "-o", str(tmp_path / "b"), "--no-network", "--redact")
    assert result.code == 0, result.err
    assert json.loads((tmp_path / "b" / "manifest.json").read_text())["redacted"] is True


def test_encode_text_writes_each_encoding_back() -> None:
    for text, encoding in (
        ("a\u00fcb", "utf-16-le-bom"),
        ("a\u00fcb", "utf-16-be-bom"),
        ("a\u00fcb", "utf-8-sig"),
        ("a\u00fcb", "cp850"),
        ("a\u00fcb", "cp1252"),
    ):
        data = encode_text(text, encoding)
        assert decode_text_as(data, "x") == (text, encoding)
