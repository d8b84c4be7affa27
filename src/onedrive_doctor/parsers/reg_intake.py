r"""What a ``registry/*.reg`` file of a bundle holds before the parser sees it.

A collector on a real PC leaves more than clean `reg export` files (docs/spec/bundle.md):

* reg.exe's own error text, when the key does not exist on the PC ("ERROR: The system was
  unable to find the specified registry key or value."): that is evidence (the key is absent),
  not an unreadable file;
* a file re-saved by an editor as UTF-16BE without its byte order mark, or as Windows-1252
  (Notepad's "ANSI") after a hand edit: read when the bytes decode one way only.

Everything else goes to :mod:`onedrive_doctor.registry.regfile` unchanged, so its messages
(file and line) stay the ones a person sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..collect.plan import REGISTRY_KEYS

__all__ = ["REG_KEY_NOT_FOUND", "RegIntake", "intake_reg", "planned_key"]

#: What ``reg export`` / ``reg query`` print when the key does not exist (English Windows).
REG_KEY_NOT_FOUND = "ERROR: The system was unable to find the specified registry key or value."
_HEADERS = ("Windows Registry Editor Version 5.00", "REGEDIT4")


@dataclass(frozen=True)
class RegIntake:
    """``data`` for the parser (``None``: nothing to parse), and what the file itself says."""

    data: bytes | None
    note: str | None = None
    absent_key: str | None = None


def planned_key(name: str) -> str | None:
    r"""The key the collector exports into ``registry/<stem>.reg`` (collect/plan.py), if known."""
    stem = name.rsplit("/", 1)[-1].removesuffix(".reg").casefold()
    return next((key for file, key in REGISTRY_KEYS if file == stem), None)


def intake_reg(name: str, data: bytes) -> RegIntake:
    """Sort one ``.reg`` file of a bundle: key-absent text, re-encoded, or as it is."""
    text, how = _sniff(data)
    if text is not None and _is_key_not_found(text):
        key = planned_key(name)
        what = key if key is not None else "the key it was asked to export"
        return RegIntake(
            None,
            f"{name}: {what} does not exist on the PC (reg.exe wrote {REG_KEY_NOT_FOUND!r} "
            "instead of an export)",
            key,
        )
    if how is None or text is None:
        return RegIntake(data)
    # Re-encoded as UTF-8 with a BOM, which the parser reads like reg's own UTF-16LE.
    return RegIntake(b"\xef\xbb\xbf" + text.encode("utf-8"), f"{name}: read as {how}")


def _is_key_not_found(text: str) -> bool:
    lines = [line.strip() for line in text.replace("\x00", "").splitlines() if line.strip()]
    return len(lines) == 1 and lines[0].casefold() == REG_KEY_NOT_FOUND.casefold()


def _sniff(data: bytes) -> tuple[str | None, str | None]:
    """``(text, how)``: the text when it can be told, and the encoding when it needs re-encoding.

    ``how`` is ``None`` for what the parser reads itself (a BOM, UTF-8, REGEDIT4's ANSI).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        return _strict(data[2:], codec), None
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8"), None
    if len(data) >= 4 and len(data) % 2 == 0 and data[0] == 0 and data[1] != 0:
        # UTF-16BE without a byte order mark: every even byte of ASCII text is NUL.
        text = _strict(data, "utf-16-be")
        if text is not None and text.lstrip().startswith(_HEADERS):
            return text, "UTF-16BE (no byte order mark)"
        return None, None
    if len(data) >= 2 and data[0] != 0 and data[1] == 0:
        return _strict(data[: len(data) - len(data) % 2], "utf-16-le"), None
    utf8 = _strict(data, "utf-8")
    if utf8 is not None:
        return utf8, None
    ansi = _strict(data, "cp1252")
    if ansi is not None and ansi.lstrip().startswith(_HEADERS[0]):
        # Not UTF-8, yet a version 5 header: a hand-edited export saved as "ANSI". cp1252
        # leaves five bytes undefined, so a file using them is not read at all.
        return ansi, "Windows-1252 (ANSI)"
    return ansi, None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None
