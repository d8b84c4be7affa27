"""The rich console every text renderer writes to, and the tidy-up of what it wrote."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["console_text", "text_console"]


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
