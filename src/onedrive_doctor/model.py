"""The result model shared by checks, fix planning and renderers."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from .fixes.changes import Change, Safety
from .fixes.render import render_steps

__all__ = [
    "ArticleStep",
    "Finding",
    "Fix",
    "Outcome",
    "Severity",
    "Status",
]


class Status(str, enum.Enum):
    """The result of one check."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class Severity(str, enum.Enum):
    """How bad a failing check is. Only ``error`` makes the exit code 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class ArticleStep(str, enum.Enum):
    """The steps of Microsoft's 0x8004de40 article, in the article's order of causes."""

    CONNECTIVITY = "connectivity"
    TLS = "tls"
    INTERNET_OPTIONS = "internet-options"
    DEVICE_JOIN = "device-join"
    WINHTTP = "winhttp"
    RESET_ONEDRIVE = "reset-onedrive"

    @property
    def label(self) -> str:
        """The step as a person reads it in the report."""
        return _STEP_TITLES[self]


_STEP_TITLES = {
    ArticleStep.CONNECTIVITY: "1. Internet connection",
    ArticleStep.TLS: "2. TLS 1.2 and cipher suites",
    ArticleStep.INTERNET_OPTIONS: "3. Internet Options TLS boxes",
    ArticleStep.DEVICE_JOIN: "4. Device join (Windows 10/11)",
    ArticleStep.WINHTTP: "5. WinHTTP update (Windows 7/8)",
    ArticleStep.RESET_ONEDRIVE: "6. Reset OneDrive",
}


@dataclass(frozen=True)
class Fix:
    """What to do about a failing check.

    ``title`` states the action with its target value; ``changes`` are the typed steps (registry
    writes, commands with their undo, manual steps) and ``steps`` their rendering, the
    instructions a person follows, never written separately; ``safety`` is ``safe`` (the tool
    may apply it), ``needs-confirmation`` or ``manual`` (only a person can do it).
    """

    title: str
    changes: tuple[Change, ...] = ()
    safety: Safety = Safety.MANUAL
    needs_admin: bool = False
    needs_restart: bool = False

    @property
    def steps(self) -> tuple[str, ...]:
        """The changes as a person reads them (rendered by :mod:`onedrive_doctor.fixes.render`)."""
        return render_steps(self.changes)

    def to_json(self) -> dict[str, Any]:
        """The fix as the JSON report shows it: today's keys, plus the typed ``changes``."""
        return {
            "title": self.title,
            "steps": list(self.steps),
            "safety": self.safety.value,
            "needs_admin": self.needs_admin,
            "needs_restart": self.needs_restart,
            "changes": [change.to_json() for change in self.changes],
        }


@dataclass(frozen=True)
class Outcome:
    """What a check function returns; the runner adds the check's ID and name."""

    status: Status
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    fix: Fix | None = None
    severity: Severity | None = None

    @classmethod
    def passed(cls, message: str, **evidence: Any) -> Outcome:
        """The check found nothing wrong."""
        return cls(Status.PASS, message, evidence)

    @classmethod
    def failed(
        cls,
        message: str,
        fix: Fix | None = None,
        severity: Severity | None = None,
        **evidence: Any,
    ) -> Outcome:
        """The check found the problem; ``severity`` overrides the check's default."""
        return cls(Status.FAIL, message, evidence, fix, severity)

    @classmethod
    def unknown(cls, reason: str, **evidence: Any) -> Outcome:
        """The evidence the check needs is missing or unreadable."""
        return cls(Status.UNKNOWN, reason, evidence)

    @classmethod
    def not_applicable(cls, reason: str, **evidence: Any) -> Outcome:
        """The check does not apply to this PC (e.g. a Windows 7 check on Windows 11)."""
        return cls(Status.NOT_APPLICABLE, reason, evidence)


@dataclass(frozen=True)
class Finding:
    """One check's result, as reports show it."""

    id: str
    name: str
    step: ArticleStep
    status: Status
    severity: Severity | None
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    fix: Fix | None = None

    @property
    def is_error(self) -> bool:
        """True when this finding makes the run exit with code 1."""
        return self.status is Status.FAIL and self.severity is Severity.ERROR

    def to_json(self) -> dict[str, Any]:
        """The finding with the stable keys of docs/spec/cli.md."""
        return {
            "id": self.id,
            "name": self.name,
            "step": self.step.value,
            "status": self.status.value,
            "severity": self.severity.value if self.severity else None,
            "message": self.message,
            "evidence": self.evidence,
            "fix": self.fix.to_json() if self.fix else None,
        }
