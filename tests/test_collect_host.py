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
    pc = fake_pc(tmp_path / "pc", wb.WIN7, hotfixes_txt=wb.WIN7_HOTFIXES)
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
    assert bundle.files["unavailable.txt"].decode() == (
        "dsregcmd dsregcmd.txt\n"
        "Get-TlsCipherSuite cipher-suites.txt\n"
        "Get-TlsEccCurve ecc-curves.txt\n"
    )
    assert "registry/ssl-policy.reg" not in bundle.files


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
