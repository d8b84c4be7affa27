"""``Parsed[T]``: one bundle file read once, as its value or the problem that stopped it.

Evidence holds one per file a check reads (``dsregcmd.txt``, the hotfix list, the cmdlet
outputs, the Windows version, the client profile, ...), so every check sees the same reading of
the same bytes and says the same thing about a file it could not read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import InputError

__all__ = ["Parsed", "parse_once"]

T = TypeVar("T")


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A file's value, or why it has none; both ``None`` when the bundle lacks the file.

    ``problem`` is one line naming the file (and line, when known) and what is wrong with it,
    as a finding quotes it after ``unreadable evidence:``.
    """

    value: T | None = None
    problem: str | None = None

    @property
    def missing(self) -> bool:
        """True when the bundle does not have the file at all (neither value nor problem)."""
        return self.value is None and self.problem is None

    @classmethod
    def of(cls, value: T | None) -> Parsed[T]:
        """A value read (``None``: the file was not in the bundle)."""
        return cls(value, None)

    @classmethod
    def failed(cls, problem: str) -> Parsed[T]:
        """A file that was there but could not be read."""
        return cls(None, problem)


def parse_once(text: str | None, parser: Callable[[str], T]) -> Parsed[T]:
    """Run ``parser`` on ``text`` (``None``: no such file); an ``InputError`` becomes a problem."""
    if text is None:
        return Parsed()
    try:
        return Parsed.of(parser(text))
    except InputError as exc:
        return Parsed.failed(str(exc))
