r"""Operations -> a ``.reg`` file exactly as regedit and ``reg export`` write it.

"Windows Registry Editor Version 5.00", UTF-16LE with a BOM, CRLF line ends, a blank line before
every ``[KEY]`` section and one at the end. The format is Microsoft's "How to add, modify, or
delete registry subkeys and values by using a .reg file"
(https://learn.microsoft.com/troubleshoot/windows-server/performance/add-modify-delete-registry-subkeys-values):
``"name"="text"`` (``\\`` and ``\"`` escaped), ``dword:0000000a``, ``hex:`` for REG_BINARY and
``hex(N):`` for every other type (2 REG_EXPAND_SZ, 7 REG_MULTI_SZ, b REG_QWORD, 0 REG_NONE, ...,
the type number in lower-case hex), ``@=`` for the default value, ``[-KEY]`` and ``"name"=-``
to delete.

Long hex data wraps as regedit wraps it: after a byte's comma, once the line holds 77 or more
characters, the line ends with ``\`` and the next starts with two spaces. So a continuation line
carries 25 bytes (78 characters) and the first one as many as fit after ``"name"=hex(N):``
(``"ShellState"=hex:`` leaves room for 20, as every real export of that value shows). Wine's
regedit, written to produce the same files, uses the same rule (``MAX_HEX_CHARS`` 77).
"""

from __future__ import annotations

from collections.abc import Iterable

from .regfile import (
    HEADER_V5,
    DeleteKey,
    RegData,
    RegOp,
    RegType,
    RegValue,
    SetKey,
    SetValue,
    _typed,
)

__all__ = ["encode_data", "format_value", "write_reg"]

_LONG_ROOTS = {
    "HKLM": "HKEY_LOCAL_MACHINE",
    "HKCU": "HKEY_CURRENT_USER",
    "HKU": "HKEY_USERS",
    "HKCR": "HKEY_CLASSES_ROOT",
    "HKCC": "HKEY_CURRENT_CONFIG",
}
_WRAP_AT = 77  # a line is ended once it holds this many characters (the "\" makes 78-80)
_CONTINUATION = ",\\\r\n  "
_PER_CONTINUATION_LINE = (_WRAP_AT - 2 + 2) // 3  # 25 bytes after the two-space indent


def write_reg(ops: Iterable[RegOp]) -> bytes:
    """The bytes of a ``.reg`` file that performs ``ops`` in order.

    A ``SetValue`` or ``DeleteValue`` whose key is not the current section opens a ``[KEY]``
    section for it. Raises ``ValueError`` for a value whose data does not fit its type.
    """
    parts = [HEADER_V5, "\r\n"]
    current: str | None = None
    for op in ops:
        if isinstance(op, SetKey):
            parts.append(f"\r\n[{_long(op.key)}]\r\n")
            current = op.key
        elif isinstance(op, DeleteKey):
            parts.append(f"\r\n[-{_long(op.key)}]\r\n")
            current = None
        else:
            if current is None or current != op.key:
                parts.append(f"\r\n[{_long(op.key)}]\r\n")
                current = op.key
            if isinstance(op, SetValue):
                parts.append(format_value(op.value))
            else:
                parts.append(f"{_name(op.name)}=-")
            parts.append("\r\n")
    parts.append("\r\n")
    return b"\xff\xfe" + "".join(parts).encode("utf-16-le", errors="surrogatepass")


def format_value(value: RegValue) -> str:
    """One value as its line(s) in a ``.reg`` file, without the final CRLF."""
    name = _name(value.name)
    type_, data = value.type, value.data
    if value.raw is not None and _typed(type_, value.raw, True) == data:
        # Read from a hex(N) line and not changed since: write back the bytes as they were.
        return _hex_line(name, type_, value.raw)
    if type_ == RegType.SZ and isinstance(data, str) and not _UNQUOTABLE.intersection(data):
        return f'{name}="{_escape(data)}"'
    if type_ == RegType.DWORD and isinstance(data, int) and 0 <= data < 1 << 32:
        return f"{name}=dword:{data:08x}"
    return _hex_line(name, type_, encode_data(type_, data))


# A line break inside a quoted string would end the line, and the parser reads a quoted string
# up to its end; such strings go out as hex(1) instead, which keeps every character.
_UNQUOTABLE = frozenset("\r\n\0")


def encode_data(type_: int, data: RegData) -> bytes:
    """The bytes Windows stores for ``data`` of ``type_`` (what a ``hex(N):`` line lists).

    Strings are UTF-16LE with their terminating NUL; REG_MULTI_SZ ends with an extra NUL.
    Raises ``ValueError`` when ``data`` does not fit ``type_``.
    """
    if isinstance(data, bytes):
        return data
    if isinstance(data, str) and type_ in (RegType.SZ, RegType.EXPAND_SZ):
        return (data + "\0").encode("utf-16-le", errors="surrogatepass")
    if isinstance(data, tuple) and type_ == RegType.MULTI_SZ:
        text = "".join(item + "\0" for item in data) + "\0"
        if not data:
            text = "\0"  # an empty REG_MULTI_SZ is one NUL, as regedit exports it (hex(7):00,00)
        return text.encode("utf-16-le", errors="surrogatepass")
    if isinstance(data, int) and not isinstance(data, bool):
        sizes = {RegType.DWORD: 4, RegType.DWORD_BIG_ENDIAN: 4, RegType.QWORD: 8}
        size = sizes.get(RegType(type_)) if type_ in sizes else None
        if size is not None and 0 <= data < 1 << (8 * size):
            if type_ == RegType.DWORD_BIG_ENDIAN:
                return data.to_bytes(size, "big")
            return data.to_bytes(size, "little")
    raise ValueError(f"data {data!r} does not fit registry type {type_}")


def _hex_line(name: str, type_: int, raw: bytes) -> str:
    tag = "hex:" if type_ == RegType.BINARY else f"hex({type_:x}):"
    prefix = f"{name}={tag}"
    if not raw:
        return prefix
    # Widths count UTF-16 code units, as regedit's WCHAR buffer does.
    width = len(prefix) if prefix.isascii() else len(prefix.encode("utf-16-le")) // 2
    first = max(1, -(-(_WRAP_AT - width) // 3))
    chunks = [raw[:first].hex(",")]
    chunks.extend(
        raw[start : start + _PER_CONTINUATION_LINE].hex(",")
        for start in range(first, len(raw), _PER_CONTINUATION_LINE)
    )
    return prefix + _CONTINUATION.join(chunks)


def _name(name: str) -> str:
    return "@" if name == "" else f'"{_escape(name)}"'


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _long(key: str) -> str:
    root, sep, rest = key.partition("\\")
    return _LONG_ROOTS.get(root, root) + sep + rest
