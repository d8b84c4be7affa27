r"""Line tests the parsers share, written as plain string operations so they run in linear time.

A regular expression such as ``[\s-]*-[\s-]*`` backtracks quadratically on a long line that
almost matches (98 KiB of dashes took 135 s, issue 11 point 5); bundles are hostile input, so
these shapes are tested without a regex.
"""

from __future__ import annotations

__all__ = ["glob_match", "is_dash_line"]


def is_dash_line(line: str) -> bool:
    """Whether ``line`` is dashes and blanks with one dash at least (PowerShell's underline)."""
    return "-" in line and not line.replace("-", "").strip()


def glob_match(pattern: str, text: str) -> bool:
    """Whether ``text`` matches ``pattern`` as a whole, ``*`` standing for any run of characters.

    Leftmost matching of the literal pieces between stars is exact for ``*``-only patterns,
    so this is linear in the pattern and at most quadratic in ``text`` (a host name), where a
    regex built from ``*a*a*a...`` backtracks exponentially (12 stars: 86 s).
    """
    parts = pattern.split("*")
    if len(parts) == 1:
        return pattern == text
    first, last = parts[0], parts[-1]
    if len(first) + len(last) > len(text):
        return False
    if not text.startswith(first) or not text.endswith(last):
        return False
    position, end = len(first), len(text) - len(last)
    for part in parts[1:-1]:
        if not part:
            continue
        found = text.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True
