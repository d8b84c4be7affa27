"""Build .reg files exactly as `reg export` writes them: UTF-16LE with a BOM, CRLF lines."""

from __future__ import annotations

from pathlib import Path

HEADER = "Windows Registry Editor Version 5.00"


def reg_bytes(*blocks: str) -> bytes:
    """``blocks`` are ``[KEY]`` sections with their value lines, joined as regedit does."""
    text = (
        HEADER + "\r\n\r\n" + "\r\n\r\n".join(b.strip("\n").replace("\n", "\r\n") for b in blocks)
    )
    return b"\xff\xfe" + (text + "\r\n\r\n").encode("utf-16-le")


def write_bundle(root: Path, files: dict[str, bytes | str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return root


WINDOWS_MANIFEST = (
    '{"schema_version": 1, "tool": {"name": "onedrive-doctor", "version": "0.1.0"}, '
    '"created": "2026-11-20T10:00:00+00:00", "host": {"os": "Windows", "release": "10"}, '
    '"files": [], "redacted": false}'
)
