"""Decoding the text files Windows commands write (console code pages, UTF-16 redirection)."""

from __future__ import annotations

from ..errors import InputError

__all__ = ["decode_text"]

_CONTROL_OK = {"\t", "\n", "\r", "\x0c", "\x1a"}


def decode_text(data: bytes, source: str) -> str:
    """Decode a captured command output; raises ``InputError`` when it is not text at all.

    PowerShell's ``>`` writes UTF-16LE with a BOM; cmd.exe's ``>`` writes the console code page;
    newer tools write UTF-8. A UTF-16 file without a BOM shows as every other byte being NUL.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        if len(data) % 2:
            raise InputError("truncated UTF-16 text (odd number of bytes)", source)
        text = data.decode("utf-16", errors="replace")
    elif data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif _looks_utf16le(data):
        text = data[: len(data) - len(data) % 2].decode("utf-16-le", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # The ANSI code page of western Windows; issue-specific parsers may re-decode values.
            text = data.decode("cp1252", errors="replace")
    if not text.strip():
        return text
    controls = sum(1 for ch in text if ch < " " and ch not in _CONTROL_OK)
    if "\x00" in text or controls > max(2, len(text) // 50):
        raise InputError("not a text file (binary data)", source)
    return text


def _looks_utf16le(data: bytes) -> bool:
    head = data[:400]
    if len(head) < 4:
        return False
    odd_nuls = head[1::2].count(0)
    even_nuls = head[0::2].count(0)
    return odd_nuls > len(head) // 2 * 0.9 and even_nuls < len(head) // 2 * 0.1
