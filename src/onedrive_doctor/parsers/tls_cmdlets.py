"""``cipher-suites.txt`` and ``ecc-curves.txt``: what the PowerShell TLS cmdlets printed.

``Get-TlsCipherSuite`` "gets an ordered collection of cipher suites ... that TLS can use"
(docs/knowledge/windows-tls.md §5); the bundle keeps its output in any of the shapes a helpdesk
engineer is likely to produce:

* ``Get-TlsCipherSuite | Format-Table Name`` -- a ``Name`` header, a dashes line, one name a line;
* ``Get-TlsCipherSuite | Format-Table`` with more columns, which the dashes line delimits (a name
  PowerShell cut short with ``...`` is recovered from the ``CipherSuite`` code column if shown);
* ``Get-TlsCipherSuite`` / ``| Format-List`` -- ``Name : TLS_...`` blocks (the ``CipherSuite``
  decimal code in the block names suites whose Windows name is not known here);
* a plain list of names, one a line or comma-separated (the Group Policy ``Functions`` string).

Windows names map to IANA names through ``by_name`` (the Windows 7/8/8.1 ``_P256``/``_P384``
curve suffixes included; the same suite is listed once). ``Get-TlsEccCurve`` prints curve
names one a line (``curve25519``, ``NistP256``); they map to ``NamedGroup`` names. Names that are
well formed but unknown are kept, in place, and also listed in ``unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import InputError
from ..tls import NamedGroup
from ..tls.suites import SUITES, by_name
from ._lines import is_dash_line

__all__ = [
    "CIPHER_SUITES_FILE",
    "ECC_CURVES_FILE",
    "CipherSuiteList",
    "CmdletParseError",
    "CurveList",
    "parse_cipher_suites",
    "parse_ecc_curves",
]

CIPHER_SUITES_FILE = "cipher-suites.txt"
ECC_CURVES_FILE = "ecc-curves.txt"

_SUITE_NAME = re.compile(r"(?:TLS|SSL)_[A-Z0-9_]+", re.IGNORECASE | re.ASCII)
_TRUNCATED = re.compile(r"(?P<prefix>(?:TLS|SSL)_[A-Z0-9_]*)(?:\.\.\.|\u2026)", re.IGNORECASE)
_CURVE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*", re.ASCII)
_COLUMN_TITLE = re.compile(r"[A-Za-z][A-Za-z0-9]*", re.ASCII)
_LIST_LINE = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9]*)\s*:(?:\s(?P<value>.*))?", re.ASCII)

# Get-TlsEccCurve / the ECC Curve Order policy spell curves the CNG way
# (docs/knowledge/windows-tls.md §3.5, "TLS Elliptic Curves in Windows 10 1607 and later");
# NIST P-256 is secp256r1 (RFC 4492 A).
_WINDOWS_CURVES = {
    "curve25519": "x25519",
    "nistp192": "secp192r1",
    "nistp224": "secp224r1",
    "nistp256": "secp256r1",
    "nistp384": "secp384r1",
    "nistp521": "secp521r1",
}
_GROUPS = {member.lower(): member for member in NamedGroup.__members__}


class CmdletParseError(InputError):
    """A cmdlet output file is none of the expected shapes: ``source`` and ``line`` say where."""


@dataclass(frozen=True)
class CipherSuiteList:
    """Enabled cipher suites in priority order.

    ``suites`` holds IANA names (each once, first position kept); a name not recognised stays
    in place as printed and is listed in ``unknown`` too. ``windows_names`` is the list as
    printed, duplicates and curve suffixes included.
    """

    suites: tuple[str, ...]
    unknown: tuple[str, ...]
    windows_names: tuple[str, ...]


@dataclass(frozen=True)
class CurveList:
    """Enabled ECC curves in priority order, as ``NamedGroup`` names (unknown ones as printed)."""

    curves: tuple[str, ...]
    unknown: tuple[str, ...]
    windows_names: tuple[str, ...]


def _lines(text: str, source: str) -> list[tuple[int, str]]:
    lines = text.removeprefix("\ufeff").splitlines()
    numbered = [(i, line.rstrip()) for i, line in enumerate(lines, 1)]
    if not any(line.strip() for _, line in numbered):
        raise CmdletParseError("empty file: the cmdlet printed nothing", source, 1)
    return numbered


def _error(what: str, line: str, lineno: int, source: str) -> CmdletParseError:
    shown = line.strip()[:60]
    if "is not recognized" in line or "CommandNotFoundException" in line:
        what = "the cmdlet does not exist here (the TLS module needs Windows 10 / Server 2016)"
    return CmdletParseError(f"{what}: {shown!r}", source, lineno)


# --- Get-TlsCipherSuite --------------------------------------------------------------------------


def parse_cipher_suites(text: str, source: str = CIPHER_SUITES_FILE) -> CipherSuiteList:
    """Parse ``Get-TlsCipherSuite`` output in any shape listed in the module docstring.

    Raises ``CmdletParseError`` for an empty file or a line that fits none of them.
    """
    numbered = _lines(text, source)
    filled = [(i, line) for i, line in numbered if line.strip()]
    if any(_is_list_key(line, "Name") for _, line in filled):
        entries = _suites_from_list(numbered, source)
    elif _is_header(filled[0][1], "Name"):
        entries = _suites_from_table(filled, source)
    else:
        entries = _suites_plain(filled, source)
    return _resolve_suites(entries)


def _is_header(line: str, column: str) -> bool:
    # A Format-Table header is nothing but column names, one of them ``column``.
    words = line.split()
    return column.lower() in (w.lower() for w in words) and all(
        _COLUMN_TITLE.fullmatch(w) for w in words
    )


def _is_list_key(line: str, key: str) -> bool:
    match = _LIST_LINE.fullmatch(line.strip())
    return match is not None and match["key"].lower() == key.lower()


# One printed entry: the name as printed (None when cut short) and the code when known.
_Entry = tuple[str, int | None]


def _suite_value(value: str, lineno: int, source: str) -> str:
    value = value.strip()
    if not (_SUITE_NAME.fullmatch(value) or _TRUNCATED.fullmatch(value)):
        raise _error("not a cipher suite name", value, lineno, source)
    return value


def _suites_plain(filled: list[tuple[int, str]], source: str) -> list[_Entry]:
    return [
        (_suite_value(part, lineno, source), None)
        for lineno, line in filled
        for part in line.split(",")
        if part.strip()
    ]


def _suites_from_table(filled: list[tuple[int, str]], source: str) -> list[_Entry]:
    header_line, header = filled[0]
    rows = filled[1:]
    if not rows or not is_dash_line(rows[0][1]):
        if len(header.split()) > 1:
            raise CmdletParseError(
                f"a table header without its dashes line: {header.strip()[:60]!r}",
                source,
                header_line,
            )
        # "Name" printed without PowerShell's underline: one name a line follows.
        return _suites_plain(rows, source)
    spans = _column_spans(header, rows[0][1])
    name_span = spans.get("name")
    if name_span is None:
        raise CmdletParseError("the dashes line does not underline Name", source, header_line + 1)
    code_span = spans.get("ciphersuite")
    entries: list[_Entry] = []
    for lineno, line in rows[1:]:
        name = _suite_value(_cut(line, name_span), lineno, source)
        code: int | None = None
        if code_span is not None and (digits := _cut(line, code_span).strip()).isdecimal():
            code = int(digits)
        entries.append((name, code))
    return entries


def _column_spans(header: str, dashes: str) -> dict[str, tuple[int, int | None]]:
    # Each column is underlined by a run of dashes; a column runs to the next run's start
    # (the last one to the end of the row, which PowerShell may leave ragged).
    runs = [m.start() for m in re.finditer(r"-+", dashes)]
    spans: dict[str, tuple[int, int | None]] = {}
    for index, start in enumerate(runs):
        end = runs[index + 1] if index + 1 < len(runs) else None
        title = (header[start:end] if end is not None else header[start:]).strip().lower()
        if title:
            spans.setdefault(title, (start, end))
    return spans


def _cut(line: str, span: tuple[int, int | None]) -> str:
    start, end = span
    return line[start:end] if end is not None else line[start:]


def _suites_from_list(numbered: list[tuple[int, str]], source: str) -> list[_Entry]:
    # Format-List: "Key : value" lines, one block per suite, blocks separated by blank lines;
    # a long value (Protocols) may wrap onto indented lines.
    entries: list[_Entry] = []
    name: tuple[int, str] | None = None
    code: int | None = None

    def close() -> None:
        nonlocal name, code
        if name is not None:
            entries.append((_suite_value(name[1], name[0], source), code))
        name, code = None, None

    for lineno, line in numbered:
        if not line.strip():
            close()
            continue
        match = _LIST_LINE.fullmatch(line.strip())
        if match is None:
            if line[:1].isspace():
                continue  # a wrapped value
            raise _error("not a 'Name : value' line", line, lineno, source)
        key, value = match["key"].lower(), (match["value"] or "").strip()
        if key == "name":
            if name is not None:
                close()
            name = (lineno, value)
        elif key == "ciphersuite" and value.isdecimal():
            code = int(value)
    close()
    return entries


def _resolve_suites(entries: Iterable[_Entry]) -> CipherSuiteList:
    suites: dict[str, None] = {}
    unknown: dict[str, None] = {}
    printed: list[str] = []
    for name, code in entries:
        printed.append(name)
        suite = by_name(name)
        if suite is None and code is not None:
            suite = SUITES.get(code)
        if suite is None:
            unknown.setdefault(name, None)
            suites.setdefault(name, None)
        else:
            suites.setdefault(suite.name, None)
    return CipherSuiteList(tuple(suites), tuple(unknown), tuple(printed))


# --- Get-TlsEccCurve -----------------------------------------------------------------------------


def parse_ecc_curves(text: str, source: str = ECC_CURVES_FILE) -> CurveList:
    """Parse ``Get-TlsEccCurve`` output (one curve name a line; a ``Name`` header is skipped).

    Raises ``CmdletParseError`` for an empty file or a line that is not a curve name.
    """
    filled = [(i, line) for i, line in _lines(text, source) if line.strip()]
    if len(filled) > 1 and filled[0][1].strip().lower() == "name" and is_dash_line(filled[1][1]):
        filled = filled[2:]
    curves: dict[str, None] = {}
    unknown: dict[str, None] = {}
    printed: list[str] = []
    for lineno, line in filled:
        for part in line.split(","):
            name = part.strip()
            if not name:
                continue
            if not _CURVE_NAME.fullmatch(name):
                raise _error("not a curve name", line, lineno, source)
            printed.append(name)
            group = _WINDOWS_CURVES.get(name.lower()) or _GROUPS.get(name.lower())
            if group is None:
                unknown.setdefault(name, None)
                group = name
            curves.setdefault(group, None)
    return CurveList(tuple(curves), tuple(unknown), tuple(printed))
