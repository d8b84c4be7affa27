"""How fast the .reg parser reads realistic exports, against configparser as a baseline.

No package on PyPI parses regedit's format into typed values (the ".reg"-named ones read hive
files or drive reg.exe), so the comparison is what a user would otherwise reach for: Python's
own configparser reading the same text, which only splits sections and ``name=value`` lines
(no types, no hex continuations, no UTF-16 decoding: it is handed the decoded text).

    PYTHONPATH=src python bench/bench_regfile.py [--megabytes N] [--hostile]

``--hostile`` also times the shapes issue 11 point 6 measured (a key 30,000 levels deep, 20,000
key deletions, 200,000 continuation lines, one-letter keys): each is read or refused as
unreadable evidence, and the line shows which, how fast, and the peak memory.
"""

from __future__ import annotations

import argparse
import configparser
import time
import tracemalloc

from onedrive_doctor.registry import Registry, RegParseError

HEADER = "Windows Registry Editor Version 5.00\r\n\r\n"


def realistic_export(megabytes: float) -> bytes:
    """An Uninstall / Services style export: strings, paths, dwords, wrapped binaries."""
    blob = ",".join(f"{b:02x}" for b in range(64))
    wrapped = blob[:59] + ",\\\r\n  " + blob[60:134] + ",\\\r\n  " + blob[135:]
    blocks = []
    size, i = 0, 0
    while size < megabytes * 1_000_000 / 2:
        block = (
            f"[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\"
            f"{{{i:08X}-1A2B-4C3D-8E9F-00AABBCCDDEE}}]\r\n"
            f'"DisplayName"="Product {i} (x64)"\r\n'
            f'"InstallLocation"="C:\\\\Program Files\\\\Vendor\\\\Product {i}\\\\"\r\n'
            f'"UninstallString"=hex(2):25,00,53,00,79,00,73,00,74,00,65,00,6d,00,52,00,6f,\\\r\n'
            f"  00,6f,00,74,00,25,00,00,00\r\n"
            f'"EstimatedSize"=dword:{i * 37 % 100000:08x}\r\n'
            f'"NoModify"=dword:00000001\r\n"Blob"=hex:{wrapped}\r\n\r\n'
        )
        blocks.append(block)
        size += len(block)
        i += 1
    return b"\xff\xfe" + (HEADER + "".join(blocks)).encode("utf-16-le")


def hostile_exports() -> dict[str, bytes]:
    """The pathological shapes of issue 11 point 6, as UTF-16LE exports."""

    def utf16(body: str) -> bytes:
        return b"\xff\xfe" + (HEADER + body).encode("utf-16-le")

    sets = "".join(
        f'[HKEY_LOCAL_MACHINE\\SOFTWARE\\K{i}]\r\n"v"=dword:00000001\r\n\r\n' for i in range(20_000)
    )
    deletes = "".join(f"[-HKEY_LOCAL_MACHINE\\SOFTWARE\\K{i}]\r\n\r\n" for i in range(20_000))
    return {
        "key 30,000 levels deep": utf16(
            "[HKEY_LOCAL_MACHINE" + "\\a" * 30_000 + ']\r\n"v"=dword:00000001\r\n'
        ),
        "20,000 keys set then deleted": utf16(sets + deletes),
        "200,000 continuation lines": utf16(
            '[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n"b"=hex:00,\\\r\n'
            + "  00,01,\\\r\n" * 200_000
            + "  ff\r\n"
        ),
        "100,000 one-letter keys": utf16("".join(f"[HKCU\\k{i}]\r\n" for i in range(100_000))),
    }


def hostile(runs: int) -> None:
    """Time and measure each hostile shape: read, or refused as unreadable evidence."""
    for name, data in hostile_exports().items():
        outcome = "read"

        def parse(data: bytes = data) -> None:
            nonlocal outcome
            try:
                Registry.from_files([("hostile.reg", data)])
            except RegParseError as exc:
                outcome = f"refused ({exc.message[:40]}...)"

        seconds = best_of(runs, parse)
        tracemalloc.start()
        parse()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"{name:30} {len(data) / 1e6:5.1f} MB  {seconds:5.2f} s  "
            f"peak {peak / len(data):4.2f}x  {outcome}"
        )


def best_of(runs: int, func: object) -> float:
    assert callable(func)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=8.0, help="size of the export")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hostile", action="store_true", help="also the pathological shapes")
    args = parser.parse_args()
    data = realistic_export(args.megabytes)
    text = data[2:].decode("utf-16-le")
    mb = len(data) / 1_000_000

    def ours() -> None:
        Registry.from_files([("bench.reg", data)])

    def baseline() -> None:
        cp = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
        cp.read_string(text.split("\r\n", 2)[2])

    ours_s = best_of(args.runs, ours)
    base_s = best_of(args.runs, baseline)
    tracemalloc.start()
    ours()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"export: {mb:.1f} MB UTF-16LE, best of {args.runs}")
    print(f"onedrive-doctor Registry.from_files: {mb / ours_s:6.1f} MB/s  ({ours_s:.2f} s)")
    print(f"configparser (text only, untyped):   {mb / base_s:6.1f} MB/s  ({base_s:.2f} s)")
    print(f"ratio ours/configparser speed: {base_s / ours_s:.2f}x")
    print(f"peak memory (tracemalloc): {peak / len(data):.2f}x the file size")
    if args.hostile:
        hostile(args.runs)


if __name__ == "__main__":
    main()
