"""collect behind a host: diagnose end to end on a fake Windows PC built from .reg files."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

import winbundles as wb
from onedrive_doctor.bundle import CollectionStatus, open_bundle
from onedrive_doctor.collect.hosts import FAKE_HOST_ENV, run_process

FIXTURES = Path(__file__).parent / "fixtures" / "dsregcmd"
ENTRA_PRT_OK = FIXTURES / "dsregcmd_entra_joined_prt_ok_win10.txt"
APPX = Path(__file__).parent / "fixtures" / "appx"
# `certutil -store root` on an English Windows (the first entry of a real store; the parser of
# issue 13's CRT001 reads it, the collector only has to bring it along unchanged).
ROOT_STORE = (
    b'Root "Trusted Root Certification Authorities"\r\n'
    b"================ Certificate 0 ================\r\n"
    b"Serial Number: 033af1e6a711a9a0bb2864b11d09fae5\r\n"
    b"Issuer: CN=DigiCert Global Root G2, OU=www.digicert.com, O=DigiCert Inc, C=US\r\n"
    b" NotBefore: 8/1/2013 5:00 AM\r\n"
    b" NotAfter: 1/15/2038 5:00 AM\r\n"
    b"Subject: CN=DigiCert Global Root G2, OU=www.digicert.com, O=DigiCert Inc, C=US\r\n"
    b"Signature matches Public Key\r\n"
    b"Root Certificate: Subject matches Issuer\r\n"
    b"Cert Hash(sha1): df3c24f9bfd666761b268073fe06d1cc8d4f82a4\r\n"
    b"No key provider information\r\n"
    b"Cannot find the certificate and private key for decryption.\r\n"
    b"CertUtil: -store command completed successfully.\r\n"
)


def fake_pc(root: Path, version: str, host: dict[str, Any] | None = None, **files: Any) -> Path:
    """A fake Windows host folder: the default registry of ``version`` plus ``files``."""
    wb.bundle(root, wb.default_registry(version), **files)
    (root / "manifest.json").unlink()  # a PC has no manifest; collect writes one
    if host is not None:
        (root / "host.json").write_text(json.dumps(host))
    return root


def diagnose(cli: Any, monkeypatch: pytest.MonkeyPatch, pc: Path, out: Path) -> Any:
    monkeypatch.setenv(FAKE_HOST_ENV, str(pc))
    return cli("diagnose", "--no-network", "--format", "json", "--save-bundle", str(out))


def test_diagnose_on_a_fake_windows_7_pc_fails_os001(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    wb.freeze_today(monkeypatch)
    pc = fake_pc(
        tmp_path / "pc",
        wb.WIN7,
        hotfixes_txt=wb.WIN7_HOTFIXES,
        events_schannel_xml=b"",  # wevtutil found no Schannel event
        root_store_txt=ROOT_STORE,
    )
    result = diagnose(cli, monkeypatch, pc, tmp_path / "bundle")
    assert result.code == 1
    os001 = result.finding("OS001")
    assert wb.status(os001) == ("OS001", "fail", "error")
    assert os001["message"].startswith(
        "No cipher suite Windows 7 SP1 can ever offer is accepted by AFD policy TLSv1.2_2023"
    )
    bundle = open_bundle(tmp_path / "bundle")
    manifest = json.loads(bundle.files["manifest.json"])
    assert manifest["host"]["os"] == "Windows"
    assert manifest["host"]["fake_host"] == str(pc)
    records = {r["file"]: r for r in manifest["collection"]}
    assert records["registry/currentversion.reg"]["status"] == "ok"
    assert records["registry/ssl-policy.reg"]["status"] == "absent"
    assert records["hotfixes.txt"]["status"] == "ok"
    assert records["dsregcmd.txt"]["status"] == "not_available"
    assert records["nltest.txt"] == {
        "file": "nltest.txt",
        "command": "nltest /dsgetdc:<domain>",
        "status": "skipped",
        "exit_code": None,
        "error": "the PC is not joined to a domain",
        "elapsed_s": 0.0,
    }
    # Windows 7 has neither dsregcmd nor the TLS cmdlets: listed as COMMAND FILE (the same
    # lines the collector scripts write), and their checks say not_applicable.
    # Issue 13: Windows 7 has no AAD log and no Get-AppxPackage either.
    assert bundle.files["unavailable.txt"].decode() == (
        "dsregcmd dsregcmd.txt\n"
        "Get-TlsCipherSuite cipher-suites.txt\n"
        "Get-TlsEccCurve ecc-curves.txt\n"
        "wevtutil events-aad.xml\n"
        "Get-AppxPackage appx-broker.txt\n"
    )
    assert "registry/ssl-policy.reg" not in bundle.files
    assert bundle.files["events-schannel.xml"] == b""
    assert bundle.files["root-store.txt"] == ROOT_STORE
    assert records["events-schannel.xml"]["status"] == "ok"
    assert records["events-aad.xml"]["status"] == "not_available"
    assert records["registry/office-identity.reg"]["status"] == "absent"
    assert wb.status(result.finding("IDN006"))[1] == "not_applicable"


def test_diagnose_on_a_fake_healthy_windows_11_pc_finds_no_local_error(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    wb.freeze_today(monkeypatch)
    pc = fake_pc(
        tmp_path / "pc",
        wb.WIN11_24H2,
        host={"environ": {"LOCALAPPDATA": r"C:\Users\alice\AppData\Local"}},
        hotfixes_txt=wb.WIN10_HOTFIXES,
        dsregcmd_txt=ENTRA_PRT_OK.read_bytes(),
    )
    onedrive = pc / "files" / "C" / "Users" / "alice" / "AppData" / "Local" / "Microsoft"
    (onedrive / "OneDrive" / "24.101.0519.0001").mkdir(parents=True)
    (onedrive / "OneDrive" / "OneDrive.exe").write_bytes(b"MZ")
    result = diagnose(cli, monkeypatch, pc, tmp_path / "bundle")
    local = [f for f in result.json()["findings"] if not f["id"].startswith("NET")]
    errors = [f["id"] for f in local if f["status"] == "fail" and f["severity"] == "error"]
    assert errors == []
    assert result.code == 0
    assert wb.status(result.finding("OS001")) == ("OS001", "pass", None)
    assert wb.status(result.finding("ODC001")) == ("ODC001", "pass", None)
    listing = json.loads((tmp_path / "bundle" / "onedrive.json").read_text())
    assert listing["installs"] == [
        {
            "path": r"C:\Users\alice\AppData\Local\Microsoft\OneDrive\OneDrive.exe",
            "version": "24.101.0519.0001",
            "scope": "per-user",
        }
    ]


def test_collect_on_a_fake_windows_11_pc_brings_issue_13s_files_and_only_allowed_values(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    wb.freeze_today(monkeypatch)
    identity = r"HKEY_CURRENT_USER\Software\Microsoft\Office\16.0\Common\Identity"
    authroot = r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot"
    registry = wb.default_registry(wb.WIN11_24H2)
    registry["office"] = [
        f"[{identity}]\n{wb.dword('DisableAADWAM', 1)}\n{wb.dword('Version', 1)}",
        f'[{identity}\\Identities\\0001_ADAL]\n"EmailAddress"="alice@contoso.com"',
    ]
    registry["authroot"] = [
        f"[{authroot}]\n{wb.dword('DisableRootAutoUpdate', 1)}",
        f'[{authroot}\\Certificates\\0123]\n"Blob"=hex:01,02',
    ]
    events = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'></Event>"
    pc = tmp_path / "pc"
    wb.bundle(
        pc,
        registry,
        hotfixes_txt=wb.WIN10_HOTFIXES,
        events_schannel_xml=events,
        events_aad_xml=events,
        root_store_txt=ROOT_STORE,
        appx_broker_txt=(APPX / "broker_not_registered.txt").read_bytes(),
    )
    (pc / "manifest.json").unlink()
    result = diagnose(cli, monkeypatch, pc, tmp_path / "bundle")
    bundle = open_bundle(tmp_path / "bundle")
    records = {
        r["file"]: r["status"] for r in json.loads(bundle.files["manifest.json"])["collection"]
    }
    for name in ("events-schannel.xml", "events-aad.xml", "root-store.txt", "appx-broker.txt"):
        assert records[name] == "ok", name
    assert bundle.files["events-aad.xml"] == events.encode()
    assert bundle.files["appx-broker.txt"] == b""
    assert records["registry/office-identity.reg"] == "ok"
    assert records["registry/authroot-policy.reg"] == "ok"
    exported = bundle.files["registry/office-identity.reg"].decode("utf-16")
    assert "DisableAADWAM" in exported
    assert '"Version"' not in exported and "alice" not in exported and "Identities" not in exported
    exported = bundle.files["registry/authroot-policy.reg"].decode("utf-16")
    assert '"DisableRootAutoUpdate"=dword:00000001' in exported
    assert '"Blob"' not in exported and "AuthRoot\\Certificates" not in exported
    # This fake PC prints no dsregcmd or TLS cmdlet output; issue 13's commands all answered.
    assert bundle.files["unavailable.txt"].decode() == (
        "dsregcmd dsregcmd.txt\n"
        "Get-TlsCipherSuite cipher-suites.txt\n"
        "Get-TlsEccCurve ecc-curves.txt\n"
    )
    assert wb.status(result.finding("IDN006")) == ("IDN006", "fail", "error")
    assert wb.status(result.finding("IDN007")) == ("IDN007", "fail", "warning")


def test_a_command_that_timed_out_is_not_collected_never_absent(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    wb.freeze_today(monkeypatch)
    outcomes = {
        "dsregcmd.txt": {"status": "timeout", "error": "no answer within 20 s"},
        "hotfixes.txt": {"status": "failed", "exit_code": 1, "error": "Access is denied."},
    }
    pc = fake_pc(
        tmp_path / "pc",
        wb.WIN10_22H2,
        host={"outcomes": outcomes},
        hotfixes_txt=wb.WIN10_HOTFIXES,
        dsregcmd_txt=ENTRA_PRT_OK.read_bytes(),
    )
    result = diagnose(cli, monkeypatch, pc, tmp_path / "bundle")
    idn = result.finding("IDN001")
    assert (idn["status"], idn["severity"]) == ("unknown", None)
    assert idn["message"] == (
        "unreadable evidence: dsregcmd.txt: not collected "
        "(`dsregcmd /status` timed out (no answer within 20 s))"
    )
    wht = result.finding("WHT002")
    assert (wht["status"], wht["severity"]) == ("unknown", None)
    assert wht["message"] == (
        "unreadable evidence: hotfixes.txt: not collected "
        "(`Get-HotFix` failed with exit code 1: Access is denied.)"
    )


def test_the_fake_host_folder_must_exist(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = diagnose(cli, monkeypatch, tmp_path / "missing", tmp_path / "bundle")
    assert result.code == 3
    assert result.err.strip().endswith(
        f"{tmp_path / 'missing'}: no such folder (the fake Windows host)"
    )


# --- run_process: the outcome of a real process -------------------------------------------------


def test_a_failing_process_records_its_exit_code_and_first_stderr_line() -> None:
    script = "import sys; sys.stderr.write('\\nAccess is denied.\\nmore\\n'); sys.exit(5)"
    result = run_process([sys.executable, "-c", script], timeout=20)
    assert (result.status, result.exit_code, result.error) == (
        CollectionStatus.FAILED,
        5,
        "Access is denied.",
    )


def test_a_process_that_does_not_exist_is_not_available(tmp_path: Path) -> None:
    result = run_process([str(tmp_path / "dsregcmd")], timeout=20)
    assert result.status is CollectionStatus.NOT_AVAILABLE


def test_a_cmdlet_powershell_does_not_know_is_not_available() -> None:
    error = "+ FullyQualifiedErrorId : CommandNotFoundException"
    script = f"import sys; sys.stderr.write({error!r}); sys.exit(1)"
    result = run_process([sys.executable, "-c", script], 20, ("CommandNotFoundException",))
    assert (result.status, result.exit_code) == (CollectionStatus.NOT_AVAILABLE, 1)


def test_a_process_that_hangs_times_out() -> None:
    result = run_process([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert (result.status, result.error) == (CollectionStatus.TIMEOUT, "no answer within 0.5 s")


def test_a_process_that_prints_nothing_did_not_collect_anything() -> None:
    result = run_process([sys.executable, "-c", "pass"], timeout=20)
    assert (result.status, result.exit_code, result.error) == (
        CollectionStatus.FAILED,
        0,
        "no output",
    )


def test_a_derived_bundle_replaces_and_adds_files_and_leaves_the_original(tmp_path: Path) -> None:
    root = wb.bundle(tmp_path / "b", wb.default_registry(wb.WIN10_22H2))
    original = open_bundle(root)
    derived = original.derive({"replay.json": b"{}", "manifest.json": b"{}"})
    assert derived.files["replay.json"] == b"{}"
    assert derived.files["manifest.json"] == b"{}"
    assert derived.origin == original.origin
    assert "replay.json" not in original.files
    assert set(derived.files) == set(original.files) | {"replay.json"}


def test_collect_redact_also_redacts_the_attempt_records(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    error = r"Cannot open C:\Users\alice\AppData\Local\Temp\out.txt: access denied"
    pc = fake_pc(
        tmp_path / "pc",
        wb.WIN10_22H2,
        host={"outcomes": {"dsregcmd.txt": {"status": "failed", "exit_code": 2, "error": error}}},
    )
    monkeypatch.setenv(FAKE_HOST_ENV, str(pc))
    result = cli("collect", "--no-network", "--redact", "-o", str(tmp_path / "bundle"))
    assert result.code == 0
    manifest = json.loads((tmp_path / "bundle" / "manifest.json").read_text())
    (record,) = [r for r in manifest["collection"] if r["file"] == "dsregcmd.txt"]
    assert (record["status"], record["exit_code"]) == ("failed", 2)
    assert (
        record["error"] == r"Cannot open C:\Users\user1\AppData\Local\Temp\out.txt: access denied"
    )
    assert manifest["redacted"] is True


def test_collect_redact_hides_the_pc_name_of_the_event_logs(
    cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    event = (
        "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
        "<Provider Name='Microsoft-Windows-AAD'/><EventID>1098</EventID>"
        "<Computer>PC42.corp.contoso.com</Computer></System><EventData>"
        "<Data Name='Error'>0xCAA2000C</Data><Data Name='User'>alice@contoso.com</Data>"
        "</EventData></Event>"
    )
    pc = fake_pc(tmp_path / "pc", wb.WIN11_24H2, events_aad_xml=event, events_schannel_xml=event)
    monkeypatch.setenv(FAKE_HOST_ENV, str(pc))
    result = cli("collect", "--no-network", "--redact", "-o", str(tmp_path / "bundle"))
    assert result.code == 0
    for name in ("events-aad.xml", "events-schannel.xml"):
        text = (tmp_path / "bundle" / name).read_text()
        assert "PC42" not in text and "contoso" not in text and "alice" not in text, name
        assert "<EventID>1098</EventID>" in text and "0xCAA2000C" in text


class _LiveLikeHost:
    """What LiveWindowsHost returns, replayed: run_process calls an empty output a failure."""

    def __init__(self, pc: Path, empty: str, missing_log: bool) -> None:
        from onedrive_doctor.collect.fake import FakeWindowsHost

        self._fake = FakeWindowsHost(pc)
        self._empty = empty
        self._missing_log = missing_log
        self.scripts: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fake, name)

    def run_powershell(self, script: str, timeout: float) -> Any:
        from onedrive_doctor.collect.hosts import CommandResult
        from onedrive_doctor.collect.plan import COMMANDS, UNAVAILABLE_EXIT

        self.scripts.append(script)
        for command in COMMANDS:
            if script == command.guarded(""):
                if command.channel is not None and self._missing_log:
                    return CommandResult(CollectionStatus.FAILED, exit_code=UNAVAILABLE_EXIT)
                if command.file == self._empty:
                    return CommandResult(CollectionStatus.FAILED, exit_code=0, error="no output")
        return self._fake.run_powershell(script, timeout)


def test_live_collection_keeps_an_empty_broker_listing_and_lists_a_missing_aad_log(
    tmp_path: Path,
) -> None:
    from onedrive_doctor.bundle import BundleWriter
    from onedrive_doctor.collect.windows import collect_windows

    pc = fake_pc(tmp_path / "pc", wb.WIN10_22H2, appx_broker_txt=b"x")
    host = _LiveLikeHost(pc, empty="appx-broker.txt", missing_log=True)
    writer = BundleWriter(tmp_path / "bundle")
    collect_windows(writer, host)  # type: ignore[arg-type]
    records = {a.file: a for a in writer.attempts}
    assert records["appx-broker.txt"].status is CollectionStatus.OK
    assert (writer.root / "appx-broker.txt").read_bytes() == b""
    aad = records["events-aad.xml"]
    assert (aad.status, aad.error) == (
        CollectionStatus.NOT_AVAILABLE,
        "wevtutil or its Microsoft-Windows-AAD/Operational log does not exist on this Windows",
    )
    guard = next(s for s in host.scripts if "Microsoft-Windows-AAD/Operational /c:200" in s)
    assert guard == (
        "if (-not (Get-Command wevtutil -ErrorAction SilentlyContinue)) { exit 3 }; "
        "if (-not (Get-WinEvent -ListLog 'Microsoft-Windows-AAD/Operational' -ErrorAction "
        "SilentlyContinue)) { exit 3 }; "
        "wevtutil qe Microsoft-Windows-AAD/Operational /c:200 /rd:true /f:xml"
    )
    # A command that printed nothing and is not allowed to is still a failure.
    host = _LiveLikeHost(pc, empty="root-store.txt", missing_log=False)
    writer = BundleWriter(tmp_path / "bundle2")
    collect_windows(writer, host)  # type: ignore[arg-type]
    records = {a.file: a for a in writer.attempts}
    assert records["root-store.txt"].status is CollectionStatus.FAILED
