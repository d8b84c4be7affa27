"""The rich console every text renderer writes to, and the tidy-up of what it wrote."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["can_encode", "clean", "console_text", "printable", "text_console"]

# Characters a terminal acts on instead of showing: C0 controls (ESC starts CSI colour codes and
# OSC 8 links), DEL, C1 controls (0x9b is a one-byte CSI), line/paragraph separators, and the
# bidi embeddings, overrides and isolates (U+202E turns "exe.txt" around, "Trojan Source").
# Newline and tab are layout and stay.
_SHOWN_AS_ESCAPES = {
    **{code: f"\\x{code:02x}" for code in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F)},
    **{code: f"\\x{code:02x}" for code in range(0x80, 0xA0)},
    **{
        code: f"\\u{code:04x}"
        for code in (0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F))
    },
    **{code: f"\\u{code:04x}" for code in range(0x2066, 0x206A)},
}


def printable(text: str) -> str:
    r"""``text`` with control and bidi characters shown as escapes (``\x1b``, ``\u202e``).

    Every value a terminal report prints from a bundle, a server or a file name goes through
    this, so no evidence can recolour, relink, or reorder the report (issue 11 point 12).
    """
    return text.translate(_SHOWN_AS_ESCAPES)


def clean(value: object) -> str:
    """``value`` made safe for a terminal (``printable``) and for rich markup (escaped)."""
    from rich.markup import escape

    return escape(printable(str(value)))


def can_encode(text: str, encoding: str | None) -> bool:
    """Whether a stream in ``encoding`` can carry ``text`` (cp1252 cannot carry the marks)."""
    try:
        text.encode(encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def text_console(color: bool, width: int) -> tuple[Console, io.StringIO]:
    """A console writing into a buffer: ANSI colours only when ``color``, no emoji codes."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        width=width,
        highlight=False,
        emoji=False,
    )
    return console, buffer


def console_text(buffer: io.StringIO) -> str:
    """What was written, without the blanks rich pads wrapped lines with."""
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
