"""Decoding the text files Windows commands write (console code pages, UTF-16 redirection).

One decoder for every bundle file: the parsers read text through :func:`decode_text`, and
redaction through :func:`decode_text_as`, which also says which encoding the file came in so
that :func:`encode_text` can write it back the same way (issue 11 point 2).
"""

from __future__ import annotations

from ..errors import InputError

__all__ = ["decode_text", "decode_text_as", "encode_text"]

_CONTROL_OK = {"\t", "\n", "\r", "\x0c", "\x1a"}


def decode_text(data: bytes, source: str) -> str:
    """Decode a captured command output; raises ``InputError`` when it is not text at all.

    PowerShell's ``>`` writes UTF-16LE with a BOM; cmd.exe's ``>`` writes the console code page;
    newer tools write UTF-8. A UTF-16 file without a BOM shows as every other byte being NUL.
    An 8-bit file reads as cp1252 here whichever code page :func:`decode_text_as` finds: the
    parsers' values are pinned to that reading, and issue-specific parsers may re-decode them.
    """
    text, encoding = decode_text_as(data, source)
    if encoding in ("cp850", "cp1252"):
        return data.decode("cp1252", errors="replace")
    return text


def decode_text_as(data: bytes, source: str) -> tuple[str, str]:
    """``(text, encoding)`` of a captured command output, as :func:`decode_text` decodes it.

    ``encoding`` is one of ``utf-16-le-bom``, ``utf-16-be-bom``, ``utf-8-sig``, ``utf-16-le``,
    ``utf-16-be``, ``utf-8``, ``cp850`` or ``cp1252``.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        if len(data) % 2:
            raise InputError("truncated UTF-16 text (odd number of bytes)", source)
        text = data.decode("utf-16", errors="replace")
        encoding = "utf-16-le-bom" if data.startswith(b"\xff\xfe") else "utf-16-be-bom"
    elif data.startswith(b"\xef\xbb\xbf"):
        text, encoding = data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    elif _looks_utf16(data, 1):
        text = data[: len(data) - len(data) % 2].decode("utf-16-le", errors="replace")
        encoding = "utf-16-le"
    elif _looks_utf16(data, 0):
        text = data[: len(data) - len(data) % 2].decode("utf-16-be", errors="replace")
        encoding = "utf-16-be"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _eight_bit(data)
    if not text.strip():
        return text, encoding
    controls = sum(1 for ch in text if ch < " " and ch not in _CONTROL_OK)
    if "\x00" in text or controls > max(2, len(text) // 50):
        raise InputError("not a text file (binary data)", source)
    return text, encoding


def encode_text(text: str, encoding: str) -> bytes:
    """``text`` in ``encoding`` as :func:`decode_text_as` named it (with its BOM, if it had one)."""
    if encoding == "utf-16-le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le", errors="surrogatepass")
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be", errors="surrogatepass")
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8", errors="replace")
    return text.encode(encoding, errors="replace")


def _eight_bit(data: bytes) -> tuple[str, str]:
    """An 8-bit file: the OEM code page cmd.exe writes (850) or the ANSI one (1252).

    Both decode most bytes; the one whose non-ASCII bytes are letters wins (byte 0x81 is
    "ü" in 850, while 0x81 is unassigned in 1252). Western European Windows uses 850 for
    the console and 1252 for ANSI files; a tie is 1252, the older behaviour.
    """
    oem = data.decode("cp850")
    try:
        ansi = data.decode("cp1252")
    except UnicodeDecodeError:
        return oem, "cp850"
    if _letters(oem) > _letters(ansi):
        return oem, "cp850"
    return ansi, "cp1252"


def _letters(text: str) -> int:
    return sum(1 for ch in text if ord(ch) > 127 and ch.isalpha())


def _looks_utf16(data: bytes, nul_at: int) -> bool:
    """Every other byte NUL: UTF-16 of mostly ASCII text, little-endian when ``nul_at`` is 1."""
    head = data[:400]
    if len(head) < 4:
        return False
    nuls = head[nul_at::2].count(0)
    others = head[1 - nul_at :: 2].count(0)
    return nuls > len(head) // 2 * 0.9 and others < len(head) // 2 * 0.1
