"""``hotfixes.txt`` -> the set of installed update numbers (``KB3140245``).

A helpdesk engineer makes the file with whichever of these was at hand, so all are read:

* ``wmic qfe get HotFixID`` -- a ``HotFixID`` header, one ID per line, trailing spaces, blank
  lines (``wmic qfe`` without a field list prints a wide table that is read the same way);
* ``Get-HotFix | Select-Object HotFixID`` -- header, a dashes line, one ID per line;
* ``Get-HotFix`` -- the full table (Source, Description, HotFixID, InstalledBy, InstalledOn),
  whose columns the dashes line delimits; ``Get-HotFix | Format-List`` (``HotFixID : KB...``);
* ``systeminfo`` -- ``Hotfix(s): N Hotfix(s) Installed.`` followed by ``[01]: KB...`` lines;
* a bare list of KB numbers, one per line.

``Win32_QuickFixEngineering`` (what wmic and Get-HotFix read) misses updates installed by
Component Based Servicing, so a missing KB is strong evidence, not proof
(docs/knowledge/windows-tls.md §5).
"""

from __future__ import annotations

import re

from ..errors import InputError
from ._lines import is_dash_line

__all__ = ["HOTFIXES_FILE", "HotfixParseError", "parse_hotfixes"]

HOTFIXES_FILE = "hotfixes.txt"

# Q123456 is the pre-2003 name of the same Knowledge Base article number.
_ID = re.compile(r"(?:KB|Q)(?P<number>[0-9]{4,8})", re.IGNORECASE | re.ASCII)
# wmic shows "File 1" for old updates without an ID; systeminfo numbers other lists the same way.
_NO_ID = re.compile(r"File [0-9]+", re.IGNORECASE)
_SYSTEMINFO_ITEM = re.compile(r"\s+\[[0-9]+\]:\s*(?P<value>.*)")
_SYSTEMINFO_HOTFIX = re.compile(r"\S[^:]*:\s+(?P<count>[0-9]+|N/A)\b.*", re.IGNORECASE)
_LIST_ITEM = re.compile(r"\s*HotFixID\s*:\s*(?P<value>.*)", re.IGNORECASE)
_NO_INSTANCES = "no instance(s) available."
_HEADER = "hotfixid"


class HotfixParseError(InputError):
    """``hotfixes.txt`` is not one of the shapes above: ``source`` and ``line`` say where."""


def parse_hotfixes(text: str, source: str = HOTFIXES_FILE) -> frozenset[str]:
    """Return the installed update IDs, normalized to ``KB`` + digits.

    Raises ``HotfixParseError`` for an empty file and for a line that is none of the shapes
    listed in the module docstring.
    """
    lines = text.removeprefix("\ufeff").splitlines()
    numbered = [(i, line.rstrip()) for i, line in enumerate(lines, 1) if line.strip()]
    if not numbered:
        raise HotfixParseError("empty file: no hotfix list", source, 1)
    if len(numbered) == 1 and numbered[0][1].strip().lower() == _NO_INSTANCES:
        return frozenset()  # wmic's answer when Win32_QuickFixEngineering is empty
    if any(_SYSTEMINFO_ITEM.fullmatch(line) for _, line in numbered):
        return _systeminfo(numbered, source)
    if any(_LIST_ITEM.fullmatch(line) for _, line in numbered):
        return _format_list(numbered, source)
    first = numbered[0][1]
    if _HEADER in first.lower().split():
        return _table(numbered, source)
    return frozenset(_id(line, lineno, source) for lineno, line in numbered)


def _id(value: str, lineno: int, source: str) -> str:
    match = _ID.fullmatch(value.strip())
    if match is None:
        shown = value.strip()[:60]
        raise HotfixParseError(f"not a hotfix ID: {shown!r}", source, lineno)
    return "KB" + match["number"]


def _table(numbered: list[tuple[int, str]], source: str) -> frozenset[str]:
    header_line, header = numbered[0]
    rows = numbered[1:]
    if rows and is_dash_line(rows[0][1]):
        start, end = _dash_column(header, rows[0][1], header_line, source)
        rows = rows[1:]
    else:
        start, end = _header_column(header, header_line, source)
    found: set[str] = set()
    for lineno, line in rows:
        value = line[start:end].strip() if end is not None else line[start:].strip()
        if not value:
            # Neither wmic nor Get-HotFix leaves HotFixID empty ("File 1" stands in for none).
            shown = line.strip()[:60]
            raise HotfixParseError(f"no HotFixID in this table row: {shown!r}", source, lineno)
        if not _NO_ID.fullmatch(value):
            found.add(_id(value, lineno, source))
    return frozenset(found)


def _header_column(header: str, lineno: int, source: str) -> tuple[int, int | None]:
    # wmic pads every column to its widest value and separates columns by at least two spaces,
    # so the HotFixID column runs from its header word to the next header word.
    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", header)]
    for index, (start, word) in enumerate(words):
        if word.lower() == _HEADER:
            end = words[index + 1][0] if index + 1 < len(words) else None
            return start, end
    raise HotfixParseError("no HotFixID column in the header", source, lineno)


def _dash_column(header: str, dashes: str, lineno: int, source: str) -> tuple[int, int | None]:
    # PowerShell underlines each column with dashes as wide as the column: the dash run under
    # "HotFixID" is its span (the last column may be cut short: read to the end of the row).
    runs = [(m.start(), m.end()) for m in re.finditer(r"-+", dashes)]
    found = re.search(_HEADER, header, re.IGNORECASE)
    column = -1 if found is None else found.start()
    for index, (start, end) in enumerate(runs):
        if start <= column < end:
            last = index + 1 == len(runs)
            return start, None if last else runs[index + 1][0]
    raise HotfixParseError("the dashes line does not underline HotFixID", source, lineno + 1)


def _format_list(numbered: list[tuple[int, str]], source: str) -> frozenset[str]:
    found: set[str] = set()
    for lineno, line in numbered:
        match = _LIST_ITEM.fullmatch(line)
        if match is not None:
            value = match["value"].strip()
            if value and not _NO_ID.fullmatch(value):
                found.add(_id(value, lineno, source))
        elif ":" not in line:
            raise HotfixParseError(f"not a 'Name : value' line: {line[:60]!r}", source, lineno)
    return frozenset(found)


def _systeminfo(numbered: list[tuple[int, str]], source: str) -> frozenset[str]:
    # systeminfo's labels are localized ("Hotfix(es):" in German), so the hotfix section is
    # found by shape: the label line whose value starts with a count and whose items are KBs.
    # Other sections (processors, network cards) use the same "[01]: ..." items.
    found: set[str] = set()
    in_section = False
    for lineno, line in numbered:
        item = _SYSTEMINFO_ITEM.fullmatch(line)
        if item is None:
            in_section = bool(_SYSTEMINFO_HOTFIX.fullmatch(line)) and "hotfix" in line.lower()
            continue
        value = item["value"].strip()
        if _ID.fullmatch(value):
            found.add(_id(value, lineno, source))
        elif in_section and not _NO_ID.fullmatch(value):
            raise HotfixParseError(f"not a hotfix ID: {value[:60]!r}", source, lineno)
    if not found and not any("hotfix" in line.lower() for _, line in numbered):
        raise HotfixParseError("systeminfo output without a Hotfix(s) section", source, 1)
    return frozenset(found)
