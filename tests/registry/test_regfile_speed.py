"""Issue 11 point 6: the .reg parser is linear in time and a few times the file in memory."""

from __future__ import annotations

import time
import tracemalloc

from onedrive_doctor.registry import Registry, parse_reg

HEADER = "Windows Registry Editor Version 5.00\r\n\r\n"


def _utf16(text: str) -> bytes:
    return b"\xff\xfe" + (HEADER + text).encode("utf-16-le")


def _timed(data: bytes) -> tuple[Registry, float]:
    start = time.perf_counter()
    registry = Registry.from_files([("hostile.reg", data)])
    return registry, time.perf_counter() - start


def test_a_key_30000_deep_parses_in_under_2_s() -> None:
    # 59 KiB of key path: it took 13 s and 3.5 GiB when every prefix was indexed.
    key = "HKEY_LOCAL_MACHINE" + "\\a" * 30_000
    registry, elapsed = _timed(_utf16(f'[{key}]\r\n"v"=dword:00000001\r\n'))
    assert elapsed < 2.0
    assert registry.dword(key, "v") == 1
    assert registry.has_key("HKLM" + "\\a" * 15_000) is True


def test_20000_key_deletions_parse_in_under_2_s() -> None:
    sets = "".join(
        f'[HKEY_LOCAL_MACHINE\\SOFTWARE\\K{i}]\r\n"v"=dword:00000001\r\n\r\n' for i in range(20_000)
    )
    deletes = "".join(f"[-HKEY_LOCAL_MACHINE\\SOFTWARE\\K{i}]\r\n\r\n" for i in range(20_000))
    registry, elapsed = _timed(_utf16(sets + deletes))
    assert elapsed < 2.0
    assert len(registry) == 0
    assert registry.has_key(r"HKLM\SOFTWARE") is False


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
