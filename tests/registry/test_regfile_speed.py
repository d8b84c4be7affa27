"""Issue 11 point 6: the .reg parser is linear in time and a few times the file in memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from onedrive_doctor.registry import Registry, RegParseError, parse_reg
from onedrive_doctor.registry.regfile import MAX_KEY_DEPTH

HEADER = "Windows Registry Editor Version 5.00\r\n\r\n"


def _utf16(text: str) -> bytes:
    return b"\xff\xfe" + (HEADER + text).encode("utf-16-le")


def _timed(data: bytes) -> tuple[Registry, float]:
    start = time.perf_counter()
    registry = Registry.from_files([("hostile.reg", data)])
    return registry, time.perf_counter() - start


def _peak(data: bytes) -> tuple[Registry | RegParseError, int]:
    """The merged registry of ``data`` (or the error refusing it) and the peak bytes it took."""
    tracemalloc.start()
    try:
        try:
            result: Registry | RegParseError = Registry.from_files([("hostile.reg", data)])
        except RegParseError as exc:
            result = exc
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


def test_a_key_30000_deep_is_refused_at_once_in_little_memory() -> None:
    # 59 KiB of key path: it took 13 s and 3.5 GiB when every prefix was indexed, and each of
    # its 30,000 levels would still cost a ~300-byte tree node (80x the file). Windows allows
    # 512 levels ("Registry element size limits"), so the file cannot be a real export.
    key = "HKEY_LOCAL_MACHINE" + "\\a" * 30_000
    data = _utf16(f'[{key}]\r\n"v"=dword:00000001\r\n')
    start = time.perf_counter()
    result, peak = _peak(data)
    assert time.perf_counter() - start < 2.0
    assert isinstance(result, RegParseError)
    assert (result.source, result.line) == ("hostile.reg", 3)
    assert f"more than {MAX_KEY_DEPTH} levels deep" in result.message
    assert peak < 5 * len(data)


def test_a_key_512_levels_deep_is_read_and_one_level_more_is_refused() -> None:
    key = "HKEY_LOCAL_MACHINE" + "\\a" * MAX_KEY_DEPTH
    registry = Registry.from_files([("deep.reg", _utf16(f'[{key}]\r\n"v"=dword:00000001\r\n'))])
    assert registry.dword(key, "v") == 1
    assert registry.has_key("HKLM" + "\\a" * 256) is True
    with pytest.raises(RegParseError, match="levels deep"):
        Registry.from_files([("deeper.reg", _utf16(f"[{key}\\a]\r\n"))])
    # A deletion is a key line too: the same limit.
    with pytest.raises(RegParseError, match="levels deep"):
        Registry.from_files([("deeper.reg", _utf16(f"[-{key}\\a]\r\n"))])


@pytest.mark.parametrize(
    ("shape", "body"),
    [
        # 1,000 distinct keys 512 levels deep: each level a node (~75x the file).
        ("deep keys", "".join(f"[HKCU\\{i}" + "\\a" * 511 + "]\n" for i in range(1000))),
        # One-letter keys and values, 10-15 bytes a line in UTF-8 (~20x the file).
        ("one-letter keys", "".join(f"[HKCU\\k{i}]\n" for i in range(200_000))),
        ("one-letter values", "[HKCU\\x]\n" + "".join(f'"v{i}"="a"\n' for i in range(200_000))),
    ],
)
def test_an_export_that_would_take_more_than_5x_its_size_is_refused_within_5x(
    shape: str, body: str
) -> None:
    data = (HEADER + body).encode("utf-8")
    result, peak = _peak(data)
    assert isinstance(result, RegParseError), shape
    assert "too many keys and values for the file's size" in result.message
    assert peak < 5 * len(data), shape


def test_20000_key_deletions_parse_in_under_2_s() -> None:
    sets = "".join(
        f'[HKEY_LOCAL_MACHINE\\SOFTWARE\\K{i}]\r\n"v"=dword:00000001\r\n\r\n' for i in range(20_000)
    )
    deletes = "".join(f"[-HKEY_LOCAL_MACHINE\\SOFTWARE\\K{i}]\r\n\r\n" for i in range(20_000))
    data = _utf16(sets + deletes)
    registry, elapsed = _timed(data)
    assert elapsed < 2.0
    assert len(registry) == 0
    assert registry.has_key(r"HKLM\SOFTWARE") is False
    assert registry.keys() == []
    _, peak = _peak(data)
    assert peak < 5 * len(data)


def test_200000_continuation_lines_parse_in_under_2_s_and_under_5x_memory() -> None:
    body = '[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n"b"=hex:00,\\\r\n' + "  00,01,\\\r\n" * 200_000
    data = _utf16(body + "  ff\r\n")
    registry, elapsed = _timed(data)
    assert elapsed < 2.0
    found = registry.value(r"HKLM\SOFTWARE\X", "b")
    assert found is not None and found.data == b"\x00" + b"\x00\x01" * 200_000 + b"\xff"
    tracemalloc.start()
    try:
        parse_reg(data, "hostile.reg")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * len(data)


def test_a_realistic_export_takes_under_5x_its_size_in_memory() -> None:
    blocks = [
        f"[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\Product{i % 50}\\Component {i}]\r\n"
        f'"DisplayName"="Component number {i} of the product"\r\n'
        f'"InstallLocation"="C:\\\\Program Files\\\\Vendor\\\\Component {i}"\r\n'
        f'"Version"=dword:{i:08x}\r\n"Flags"=hex:01,02,03,04,05,06,07,08\r\n\r\n'
        for i in range(3000)
    ]
    data = _utf16("".join(blocks))
    tracemalloc.start()
    try:
        registry = Registry.from_files([("export.reg", data)])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(registry) == 3000
    assert peak < 5 * len(data)


def _write_realistic(path: Path, megabytes: float) -> int:
    """Write an Uninstall-style export as ``reg export`` does (bench_regfile.py's shape).

    Block by block: the test process never holds the file, so its peak memory (which every
    process it starts later inherits in ``ru_maxrss``) stays where it was.
    """
    blob = ",".join(f"{b:02x}" for b in range(64))
    wrapped = blob[:59] + ",\\\r\n  " + blob[60:134] + ",\\\r\n  " + blob[135:]
    with path.open("wb") as out:
        size = out.write(b"\xff\xfe" + HEADER.encode("utf-16-le"))
        i = 0
        while size < megabytes * 1024 * 1024:
            block = (
                "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\"
                f"{{{i:08X}-1A2B-4C3D-8E9F-00AABBCCDDEE}}]\r\n"
                f'"DisplayName"="Product {i} (x64)"\r\n'
                f'"InstallLocation"="C:\\\\Program Files\\\\Vendor\\\\Product {i}\\\\"\r\n'
                f'"EstimatedSize"=dword:{i * 37 % 100000:08x}\r\n'
                f'"NoModify"=dword:00000001\r\n"Blob"=hex:{wrapped}\r\n\r\n'
            )
            size += out.write(block.encode("utf-16-le"))
            i += 1
    return size


# The growth of this process's own high-water mark (VmHWM: ru_maxrss would include the memory
# of the process that started it).
_MEASURE = """
import sys
from onedrive_doctor.registry import Registry

def hwm():
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024

data = open(sys.argv[1], "rb").read()
before = hwm()
registry = Registry.from_files([("export.reg", data)])
print(len(registry), hwm() - before)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_a_31_mib_realistic_export_is_read_in_under_5x_its_size(tmp_path: Path) -> None:
    # Inside the bundle's 32 MiB file limit; two such files took 36 s and 1.4 GiB (issue 11).
    # Measured as the growth of the peak resident size of a fresh process (tracemalloc would
    # make this 3x slower), on top of the file's own bytes.
    path = tmp_path / "export.reg"
    size = _write_realistic(path, 31)
    assert 31 * 1024 * 1024 <= size < 32 * 1024 * 1024
    run = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")},
        check=True,
    )
    keys, grown = (int(word) for word in run.stdout.split())
    assert keys > 30_000
    assert 0 < grown < 5 * size


def test_a_refused_export_is_unreadable_evidence_in_the_report(tmp_path: Path) -> None:
    # The limit refuses the file, not the bundle: the report names the file and the reason,
    # and the checks that needed it say unknown (never pass).
    from onedrive_doctor.analysis import analyze_bundle
    from regfiles import WINDOWS_MANIFEST, write_bundle

    deep = "HKEY_LOCAL_MACHINE" + "\\a" * 30_000
    write_bundle(
        tmp_path,
        {"manifest.json": WINDOWS_MANIFEST, "registry/schannel.reg": _utf16(f"[{deep}]\r\n")},
    )
    report = analyze_bundle(tmp_path)
    assert "more than 512 levels deep" in report.problems["registry/schannel.reg"]
    sch001 = next(f for f in report.findings if f.id == "SCH001")
    assert sch001.status.value == "unknown"


def test_exports_accepted_one_by_one_are_accepted_merged() -> None:
    # The bundle's exports are checked one by one, then merged: the merge must not refuse what
    # each passed alone (each file has its own budget), or analyze would fail on the merge.
    files = [
        (f"f{i}.reg", (HEADER + "".join(f"[HKCU\\f{i}k{j}]\n" for j in range(200))).encode())
        for i in range(10)
    ]
    for name, data in files:
        Registry.from_files([(name, data)])
    assert len(Registry.from_files(files)) == 2000
