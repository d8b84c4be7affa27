"""The check type and the docstring shape every check follows."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import ArticleStep, Outcome, Severity

__all__ = ["DOC_SECTIONS", "Check", "CheckFunction", "doc_sections"]

if TYPE_CHECKING:
    from ..evidence import Evidence

CheckFunction = Callable[["Evidence"], Outcome]

# The sections every check's docstring has, in this order (STYLE.md).
DOC_SECTIONS = (
    "What it checks",
    "Why it matters",
    "Evidence",
    "Fix",
    "Fix safety",
    "References",
)

_SECTION_RE = re.compile(r"^(" + "|".join(re.escape(s) for s in DOC_SECTIONS) + r"):\s*$", re.M)


@dataclass(frozen=True)
class Check:
    """A catalogue entry of docs/spec/checks.md.

    Stable ID and name, default severity, article step, and the pure function that turns
    evidence into an outcome.
    """

    id: str
    name: str
    severity: Severity
    step: ArticleStep
    run: CheckFunction

    @property
    def doc(self) -> str:
        """The check function's docstring, dedented."""
        return inspect.cleandoc(self.run.__doc__ or "")

    @property
    def summary(self) -> str:
        """The first line of the docstring."""
        return self.doc.splitlines()[0] if self.doc else ""

    def sections(self) -> dict[str, str]:
        """The docstring's sections by title."""
        return doc_sections(self.doc)


def doc_sections(doc: str) -> dict[str, str]:
    """Split a check docstring into its titled sections (title -> body text)."""
    found: dict[str, str] = {}
    matches = list(_SECTION_RE.finditer(doc))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(doc)
        found[match.group(1)] = doc[match.end() : end].strip()
    return found
