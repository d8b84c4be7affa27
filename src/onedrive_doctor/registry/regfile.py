r"""Registry Editor export files (``reg export``, regedit ``.reg``) -> operations, merged view.

The format is the one regedit and ``reg export`` write: a header line, ``[KEY]`` sections,
``"name"=value`` lines, ``;`` comments and ``\\`` continuations of long ``hex`` lines.
Microsoft documents it in "How to add, modify, or delete registry subkeys and values by using a
.reg file" (https://learn.microsoft.com/troubleshoot/windows-server/performance/add-modify-delete-registry-subkeys-values)
and the value types in "Registry value types"
(https://learn.microsoft.com/windows/win32/sysinfo/registry-value-types).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from ._model import RegistryModel

__all__ = [
    "MAX_KEY_DEPTH",
    "DeleteKey",
    "DeleteValue",
    "RegOp",
    "RegParseError",
    "RegType",
    "RegValue",
    "Registry",
    "SetKey",
    "SetValue",
    "iter_reg",
    "normalize_key",
    "parse_reg",
]

HEADER_V5 = "Windows Registry Editor Version 5.00"
HEADER_V4 = "REGEDIT4"

_ROOTS = {
    "HKEY_LOCAL_MACHINE": "HKLM",
    "HKEY_CURRENT_USER": "HKCU",
    "HKEY_USERS": "HKU",
    "HKEY_CLASSES_ROOT": "HKCR",
    "HKEY_CURRENT_CONFIG": "HKCC",
}
_ROOTS.update({short: short for short in list(_ROOTS.values())})

# "A registry tree can be 512 levels deep" (Registry element size limits,
# https://learn.microsoft.com/windows/win32/sysinfo/registry-element-size-limits): a deeper key
# cannot come from a real export, and each level costs a tree node of ~300 bytes, so a 59 KiB
# key of depth 30,000 took 3.5 GiB (issue 11 point 6). Such a file is refused, before the path
# is split.
MAX_KEY_DEPTH = 512
# How many distinct value names the parser and the model share (bounded: a hostile file of
# unique names must not grow the cache, only use the memory the model's budget counts).
NAME_CACHE = 4096

_HEX_TYPE_RE = re.compile(r"hex(?:\(([0-9a-f]{1,8})\))?:", re.ASCII | re.IGNORECASE)
_DWORD_RE = re.compile(r"[0-9a-fA-F]{8}", re.ASCII)
_HEX_BYTE_RE = re.compile(r"[0-9a-fA-F]{1,2}", re.ASCII)
# What regedit writes: two digits a byte, commas, nothing else (the fast path; anything looser
# goes through the byte-by-byte check that names the bad byte).
# A repeated group would make the regex engine keep a mark per byte (~100 bytes each), so the
# shape is checked with one character class and slices.
_HEX_CHARS_RE = re.compile(r"[0-9a-fA-F,]*", re.ASCII)
# A quoted string as an unrolled loop: every position has one parse, so a string without its
# closing quote fails in linear time (issue 11).
_STRING_RE = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"', re.DOTALL)
_UNESCAPE_RE = re.compile(r'\\([\\"])')


class RegParseError(InputError):
    """A registry export file is not valid: ``source`` and ``line`` point at the problem."""


class RegType(enum.IntEnum):
    """Registry value types (winnt.h ``REG_*`` constants)."""

    NONE = 0
    SZ = 1
    EXPAND_SZ = 2
    BINARY = 3
    DWORD = 4
    DWORD_BIG_ENDIAN = 5
    LINK = 6
    MULTI_SZ = 7
    RESOURCE_LIST = 8
    FULL_RESOURCE_DESCRIPTOR = 9
    RESOURCE_REQUIREMENTS_LIST = 10
    QWORD = 11


RegData = str | int | bytes | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RegValue:
    """One registry value as exported.

    ``data`` is ``str`` for SZ/EXPAND_SZ (environment variables left unexpanded), a tuple of
    ``str`` for MULTI_SZ, ``int`` for DWORD/DWORD_BIG_ENDIAN/QWORD and ``bytes`` for every other
    type, and also for a DWORD or QWORD whose stored length is wrong (regedit exports those as
    ``hex(4):``/``hex(b):`` with the bytes it found).
    """

    name: str
    type: int
    data: RegData
    source: str
    line: int
    # The bytes of a ``hex(N):`` line as exported, so the writer gives back the same bytes even
    # where ``data`` drops some (a string cut at its first NUL, an odd-length UTF-16 string).
    raw: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def type_name(self) -> str:
        """``REG_DWORD`` style name of the type, or ``REG_TYPE_<n>`` for unknown numbers."""
        try:
            return f"REG_{RegType(self.type).name}"
        except ValueError:
            return f"REG_TYPE_{self.type}"


@dataclass(frozen=True, slots=True)
class SetKey:
    """``[KEY]``: create the key (and its parents) if missing and make it current."""

    key: str
    source: str
    line: int


@dataclass(frozen=True, slots=True)
class DeleteKey:
    """``[-KEY]``: delete the key and all its subkeys."""

    key: str
    source: str
    line: int


@dataclass(frozen=True, slots=True)
class SetValue:
    """``"name"=data`` or ``@=data`` under ``key``."""

    key: str
    value: RegValue


@dataclass(frozen=True, slots=True)
class DeleteValue:
    """``"name"=-`` under ``key``."""

    key: str
    name: str
    source: str
    line: int


RegOp = SetKey | DeleteKey | SetValue | DeleteValue


# --- keys -------------------------------------------------------------------------------------


def _split_key(key: str) -> tuple[str, ...] | None:
    """Key path -> components with the root in short form; None if the root is unknown."""
    parts = key.rstrip("\\").split("\\")
    root = _ROOTS.get(_fold(parts[0]))
    if root is None or any(not p for p in parts[1:]):
        return None
    return (root, *parts[1:])


def normalize_key(key: str) -> str:
    r"""Spell ``key`` with the short root (``HKLM\...``), keep the rest, drop a final ``\``.

    Raises ``ValueError`` when the root is not one of the five hives or a component is empty.
    """
    parts = _split_key(key)
    if parts is None:
        raise ValueError(f"not a registry key path: {key!r}")
    return "\\".join(parts)


def _fold(text: str) -> str:
    # Windows compares key and value names with a one-to-one upper-case table, so "ß" stays "ß"
    # (Python's str.upper() would turn it into "SS").
    if text.isascii():
        return text.upper()
    return "".join(u if len(u := c.upper()) == 1 else c for c in text)


# --- decoding ---------------------------------------------------------------------------------


def _line_of(text_before: str) -> int:
    return text_before.count("\n") + 1


def _decode(data: bytes, source: str) -> str:
    """Bytes -> text: UTF-16 with BOM (what reg export writes), UTF-8, or REGEDIT4's ANSI."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        body = data[2:]
    elif data.startswith(b"\xef\xbb\xbf"):
        codec, body = "utf-8", data[3:]
    elif len(data) >= 2 and data[0] != 0 and data[1] == 0:
        # UTF-16LE that lost its BOM (copied through a tool that strips it).
        codec, body = "utf-16-le", data
    elif data.lstrip(b" \t\r\n").startswith(HEADER_V4.encode()):
        # REGEDIT4 files are written in the ANSI code page; cp1252 is the western one.
        codec, body = "cp1252", data
    else:
        codec, body = "utf-8", data
    even = body[: len(body) - len(body) % 2] if codec.startswith("utf-16") else body
    try:
        text = even.decode(codec)
    except UnicodeDecodeError as exc:
        line = _line_of(even[: exc.start].decode(codec, errors="replace"))
        raise RegParseError(f"cannot decode as {codec}: {exc.reason}", source, line) from None
    if len(even) != len(body):
        raise RegParseError("truncated UTF-16 file (odd number of bytes)", source, _line_of(text))
    return text


# --- lines ------------------------------------------------------------------------------------


def parse_reg(data: bytes, source: str) -> list[RegOp]:
    """Parse one export file into its operations, in file order.

    Raises ``RegParseError`` with ``source`` and the 1-based line of the first bad line.
    """
    return list(iter_reg(data, source))


def iter_reg(data: bytes, source: str) -> Iterator[RegOp]:
    """Like ``parse_reg``, but one operation at a time.

    A caller that applies them as they come never holds the whole list (issue 11: time linear
    in the file, memory a few times its size).

    Raises ``RegParseError`` when it reaches the first bad line.
    """
    return _Parser(_decode(data, source), source).run()


def _lines(text: str) -> Iterator[str]:
    r"""The lines of ``text`` split at ``\n`` only, stripped, without a list of them all."""
    start, end = 0, len(text)
    while True:
        stop = text.find("\n", start)
        if stop < 0:
            yield text[start:end].strip()
            return
        yield text[start:stop].strip()
        start = stop + 1


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.lines = _lines(text)
        self.lineno = 0
        self.source = source
        self.unicode = True
        self.key: str | None = None
        # Value names repeat from key to key ("DisplayName"): one string each, not one a line.
        self.names: dict[str, str] = {}

    def error(self, message: str, line: int) -> RegParseError:
        return RegParseError(message, self.source, line)

    def next_line(self) -> str | None:
        line = next(self.lines, None)
        if line is not None:
            self.lineno += 1
        return line

    def run(self) -> Iterator[RegOp]:
        self._header()
        while (text := self.next_line()) is not None:
            op = self._line(text, self.lineno)
            if op is not None:
                yield op

    def _header(self) -> None:
        while (text := self.next_line()) is not None:
            if not text:
                continue
            if text == HEADER_V5:
                return
            if text == HEADER_V4:
                self.unicode = False
                return
            raise self.error(f"not a registry export: first line is {_show(text)}", self.lineno)
        raise self.error("not a registry export: the file is empty", 1)

    def _line(self, text: str, lineno: int) -> RegOp | None:
        if not text or text.startswith(";"):
            return None
        if text.startswith("["):
            return self._key_line(text, lineno)
        if text.startswith(('"', "@")):
            return self._value_line(text, lineno)
        raise self.error(f'expected [key], "name"=value or a ; comment: {_show(text)}', lineno)

    def _key_line(self, text: str, lineno: int) -> RegOp:
        if not text.endswith("]"):
            raise self.error(f"key line does not end with ']': {_show(text)}", lineno)
        body = text[1:-1]
        delete = body.startswith("-")
        # Counted before splitting: the split of a 30,000-level path is itself 10x the file.
        if body.rstrip("\\").count("\\") > MAX_KEY_DEPTH:
            raise self.error(
                f"key is more than {MAX_KEY_DEPTH} levels deep (the Windows limit): {_show(body)}",
                lineno,
            )
        parts = _split_key(body[1:] if delete else body)
        if parts is None:
            raise self.error(f"not a registry key path: {_show(body)}", lineno)
        key = "\\".join(parts)
        if delete:
            self.key = None
            return DeleteKey(key, self.source, lineno)
        self.key = key
        return SetKey(key, self.source, lineno)

    def _value_line(self, text: str, lineno: int) -> RegOp:
        if text.startswith("@"):
            name, rest = "", text[1:]
        else:
            name, rest = self._string(text, lineno)
            shared = self.names.get(name)
            if shared is not None:
                name = shared
            elif len(self.names) < NAME_CACHE:
                self.names[name] = name
        rest = rest.lstrip()
        if not rest.startswith("="):
            raise self.error(f"expected '=' after the value name: {_show(text)}", lineno)
        rest = rest[1:].strip()
        if self.key is None:
            raise self.error(f"value {_show(name)} outside any [key] section", lineno)
        if rest == "-":
            return DeleteValue(self.key, name, self.source, lineno)
        raw: bytes | None = None
        hex_match = _HEX_TYPE_RE.match(rest)
        if hex_match is not None:
            rest = self._continued(rest)
            type_, raw = self._hex(rest, hex_match, lineno)
            data = _typed(type_, raw, self.unicode)
            if data is raw or not self.unicode:
                raw = None  # nothing lost (or an ANSI file, which the writer does not write)
        elif rest.startswith('"'):
            type_ = RegType.SZ
            data, tail = self._string(rest, lineno)
            if tail.strip():
                raise self.error(f"unexpected text after the string: {_show(tail)}", lineno)
        elif rest[:6].lower() == "dword:":
            digits = rest[len("dword:") :].strip()
            if not _DWORD_RE.fullmatch(digits):
                raise self.error(f"dword needs 8 hex digits: {_show(rest)}", lineno)
            type_, data = RegType.DWORD, int(digits, 16)
        else:
            raise self.error(f"unknown value data: {_show(rest)}", lineno)
        return SetValue(self.key, RegValue(name, int(type_), data, self.source, lineno, raw))

    def _continued(self, rest: str) -> str:
        r"""Join the indented lines that follow a line ending in ``\``.

        The pieces are collected and joined once: adding each line to the string so far was
        quadratic (200,000 continuation lines took minutes, issue 11).
        """
        if not rest.endswith("\\"):
            return rest
        pieces = [rest[:-1]]
        while True:
            following = self.next_line()
            if not following:
                break
            if not following.endswith("\\"):
                pieces.append(following)
                break
            pieces.append(following[:-1])
            if len(pieces) >= 4096:
                # Join as we go: 200,000 small line strings would cost ~50 bytes each.
                pieces = ["".join(pieces)]
        return "".join(pieces)

    def _hex(self, rest: str, match: re.Match[str], lineno: int) -> tuple[int, bytes]:
        type_ = int(match.group(1), 16) if match.group(1) else int(RegType.BINARY)
        body = rest[match.end() :].strip()
        if not body:
            return type_, b""
        if _canonical_hex(body):
            return type_, bytes.fromhex(body.replace(",", ""))
        out = bytearray()
        for token in body.split(","):
            token = token.strip()
            if not _HEX_BYTE_RE.fullmatch(token):
                raise self.error(f"bad hex byte {_show(token)} in {_show(rest)}", lineno)
            out.append(int(token, 16))
        return type_, bytes(out)

    def _string(self, text: str, lineno: int) -> tuple[str, str]:
        r"""Parse a quoted string at the start of ``text``; return it and the text after it.

        ``\\`` and ``\"`` are escapes; regedit itself keeps any other backslash as it is.
        """
        match = _STRING_RE.match(text)
        if match is None:
            raise self.error(f"unterminated string: {_show(text)}", lineno)
        body = match.group(1)
        if "\\" in body:
            body = _UNESCAPE_RE.sub(r"\1", body)
        return body, text[match.end() :]


def _canonical_hex(body: str) -> bool:
    """``xx,xx,...,xx``: two hex digits a byte, a comma between bytes, nothing else."""
    commas = len(body) // 3
    return (
        len(body) % 3 == 2
        and _HEX_CHARS_RE.fullmatch(body) is not None
        and body.count(",") == commas
        and body[2::3] == "," * commas
    )


def _typed(type_: int, raw: bytes, unicode: bool) -> RegData:
    """Raw ``hex(N):`` bytes -> the Python value for that type."""
    if type_ in (RegType.SZ, RegType.EXPAND_SZ):
        return _text(raw, unicode).split("\0", 1)[0]
    if type_ == RegType.MULTI_SZ:
        items = _text(raw, unicode).split("\0")
        while items and not items[-1]:
            items.pop()
        return tuple(items)
    if type_ in (RegType.DWORD, RegType.DWORD_BIG_ENDIAN) and len(raw) == 4:
        return int.from_bytes(raw, "big" if type_ == RegType.DWORD_BIG_ENDIAN else "little")
    if type_ == RegType.QWORD and len(raw) == 8:
        return int.from_bytes(raw, "little")
    return raw


def _text(raw: bytes, unicode: bool) -> str:
    # String data in a 5.00 file is UTF-16LE, in REGEDIT4 ANSI. Values regedit exports as hex
    # are often the malformed ones (odd length, missing NUL), so decode leniently.
    if unicode:
        return raw[: len(raw) - len(raw) % 2].decode("utf-16-le", errors="replace")
    return raw.decode("cp1252", errors="replace")


def _show(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


# --- merged view ------------------------------------------------------------------------------


class Registry:
    """A read-only merged view of export files, applied in order like ``reg import``.

    Later files override values of earlier ones; ``[-KEY]`` and ``"name"=-`` remove what earlier
    files set. Key arguments accept either root spelling (``HKEY_LOCAL_MACHINE`` or ``HKLM``),
    any case, and a trailing backslash (another root raises ``ValueError``). Value names are
    case-insensitive; ``""`` is the default value. Parent keys of exported keys exist
    (``has_key``, ``subkeys``) but hold no values.
    """

    def __init__(self) -> None:
        """Create an empty registry; use ``from_files`` to load exports."""
        # Imported here: the model is built on this module's parser.
        from ._model import RegistryModel

        self._model: RegistryModel = RegistryModel()
        self._sources: list[str] = []

    @classmethod
    def from_files(cls, files: Iterable[tuple[str, bytes]]) -> Registry:
        """Parse and merge ``(source_name, bytes)`` files; raises ``RegParseError`` on a bad one.

        A file is also bad when what it adds to the model would cost more than
        ``memory_limit(len(data))`` (``_model.MEMORY_FACTOR``: issue 11, under 5x the file's size
        in memory); one that passes alone passes in any merge.
        """
        from ._model import memory_limit

        reg = cls()
        for source, data in files:
            # Applied as parsed, so the file's operations never exist all at once.
            budget = reg._model.cost + memory_limit(len(data))
            reg._model.apply(iter_reg(data, source), max_cost=budget)
            reg._sources.append(source)
        return reg

    @property
    def sources(self) -> tuple[str, ...]:
        """Names of the files merged, in the order they were applied."""
        return tuple(self._sources)

    def has_key(self, key: str) -> bool:
        """Whether the key exists (exported, or a parent of an exported key)."""
        return self._model.has_key(key)

    def value(self, key: str, name: str) -> RegValue | None:
        """Return the value ``name`` (``""`` for the default value) of ``key``, or None."""
        return self._model.get_value(key, name)

    def values(self, key: str) -> dict[str, RegValue]:
        """All values of ``key`` keyed by their original name; empty if the key is absent."""
        return {v.name: v for v in self._model.values(key)}

    def subkeys(self, key: str) -> list[str]:
        """Names of the immediate subkeys of ``key``, in the order they first appeared."""
        return self._model.subkeys(key)

    def keys(self) -> list[str]:
        r"""List every exported key (not the implied parents) as ``HKLM\...``, in file order."""
        return self._model.keys()

    def dword(self, key: str, name: str) -> int | None:
        """Return the int of a DWORD, big-endian DWORD or QWORD value; None if absent or not one."""
        found = self.value(key, name)
        if found is None or found.type not in _INT_TYPES or not isinstance(found.data, int):
            return None
        return found.data

    def string(self, key: str, name: str) -> str | None:
        """Return the text of an SZ or EXPAND_SZ value (unexpanded); None if absent or not one."""
        found = self.value(key, name)
        if found is None or not isinstance(found.data, str):
            return None
        return found.data

    def __len__(self) -> int:
        """Count the exported keys."""
        return len(self._model)

    def __repr__(self) -> str:
        return f"<Registry {len(self)} keys from {', '.join(self.sources) or 'nothing'}>"


_INT_TYPES = frozenset({RegType.DWORD, RegType.DWORD_BIG_ENDIAN, RegType.QWORD})
