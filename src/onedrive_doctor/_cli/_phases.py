"""Progress lines for the runs that can take seconds (diagnose, analyze --live, scan).

(Not named ``_progress``: importing it would shadow the package's ``_progress`` function.)

One line per phase on stderr, never on stdout (which carries the report), never with
``--quiet``. On a terminal every phase is shown; otherwise (a log, a pipe) only phases that
start after the run has taken a second, so a quick run stays silent and a slow one explains
itself.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["Progress"]

_AFTER = 1.0  # seconds before a non-terminal stderr gets progress lines


class Progress:
    """Call it with a phase's one-line description."""

    def __init__(
        self,
        quiet: bool = False,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._quiet = quiet
        self._stream = stream
        self._clock = clock
        self._start = clock()

    def __call__(self, message: str) -> None:
        if self._quiet:
            return
        stream = self._stream or sys.stderr
        is_tty = getattr(stream, "isatty", None)
        if (is_tty is not None and is_tty()) or self._clock() - self._start >= _AFTER:
            from ..report.console import printable

            print(printable(message), file=stream, flush=True)
