"""The verdict a report opens with (issue 9 point 8): computed once here, rendered three times.

What blocks sign-in and the one thing to do first; or that no local cause was found; or, when
evidence is missing, what could not be checked (never an all-clear on missing evidence). Then
the Windows the bundle came from and when its evidence was collected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..model import Severity, Status
from ._priority import plan_fixes
from ._report import Report

__all__ = ["Verdict", "verdict"]

_SENTENCE_END = re.compile(r"(?<=[.;:])\s+")


@dataclass(frozen=True)
class Verdict:
    """What the report opens with.

    ``state``: ``blocked`` (an error), ``warnings`` (only warnings or info failed),
    ``incomplete`` (nothing failed, but some checks could not run) or ``no_local_cause``.
    """

    state: str
    summary: str
    first_check: str | None
    first_step: str | None
    windows: str
    collected: str

    def to_json(self) -> dict[str, Any]:
        """The ``verdict`` object of the JSON report."""
        return {
            "state": self.state,
            "summary": self.summary,
            "first_check": self.first_check,
            "first_step": self.first_step,
            "windows": self.windows,
            "collected": self.collected,
        }


def verdict(report: Report) -> Verdict:
    """The report's verdict (pure: the same report always gives the same verdict)."""
    plan = plan_fixes(report.findings)
    windows, collected = _windows(report), _collected(report)
    if plan:
        first = plan[0].finding
        action = first.fix.title if first.fix is not None else f"see {first.id}"
        if first.severity is Severity.ERROR:
            state = "blocked"
            summary = f"This PC cannot sign in: {_blocker(report, first.id, first.message)}. "
        else:
            state = "warnings"
            summary = (
                "No error that blocks sign-in was found; "
                f"{len(plan)} warning(s) to look at, first {first.id}. "
            )
        return Verdict(
            state, summary + f"Do first: {action}.", first.id, action, windows, collected
        )
    unknown = [f for f in report.findings if f.status is Status.UNKNOWN]
    if unknown:
        steps = sorted({f.step.label.split(".", 1)[0] for f in unknown}, key=int)
        summary = (
            f"No local cause was found, but {len(unknown)} check(s) could not be checked "
            f"({'step' if len(steps) == 1 else 'steps'} {', '.join(steps)}): "
            f"{_first_sentence(unknown[0].message)}"
        )
        return Verdict("incomplete", summary, None, None, windows, collected)
    summary = "No local cause was found: every check passed or does not apply to this PC."
    return Verdict("no_local_cause", summary, None, None, windows, collected)


def _blocker(report: Report, check_id: str, message: str) -> str:
    if check_id == "OS001":
        win = report.windows or {}
        label = win.get("label") or "this Windows"
        return f"{label} cannot meet the front door's TLS policy; no setting fixes it"
    return f"{check_id}: {_first_sentence(message).rstrip('.')}"


def _first_sentence(message: str, limit: int = 200) -> str:
    first = _SENTENCE_END.split(message, maxsplit=1)[0]
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + " ..."


def _windows(report: Report) -> str:
    win: Mapping[str, Any] = report.windows or {}
    if win.get("label"):
        parts = [str(win["label"])]
        if win.get("edition_id"):
            parts.append(str(win["edition_id"]))
        bits = win.get("bitness")
        parts.append(f"{bits}-bit" if bits else "32/64-bit not known")
        return "Windows detected: " + ", ".join(parts)
    host = (report.manifest or {}).get("host")
    if isinstance(host, dict) and host.get("os") and host.get("os") != "Windows":
        return f"Not a Windows PC: collected on {host['os']} {host.get('release', '')}".rstrip()
    return "Windows detected: not known (the bundle has no readable CurrentVersion export)"


def _collected(report: Report) -> str:
    created = (report.manifest or {}).get("created")
    if created:
        return f"Evidence collected at {created}"
    return "Evidence collected at: not recorded (the bundle has no manifest time)"
