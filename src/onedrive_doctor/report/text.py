"""The text report: one summary line per article step, then each failing check with its fix."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .._version import __version__
from ..model import Finding, Severity, Status
from ._console import clean, console_text, text_console
from ._report import Report

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["render_text"]

_MARK = {
    Status.PASS: ("[green]✔[/]", "ok"),
    Status.FAIL: ("[red]✘[/]", "problem found"),
    Status.UNKNOWN: ("[yellow]?[/]", "could not be checked"),
    Status.NOT_APPLICABLE: ("[dim]-[/]", "does not apply"),
}
# For an output that cannot carry the marks (a cp1252 console or redirection on Windows, an
# ASCII locale): same width-ish words, and ASCII for the report's own typography.
_ASCII_MARK = {
    Status.PASS: "[green][ OK ][/]",
    Status.FAIL: "[red][FAIL][/]",
    Status.UNKNOWN: "[yellow][ ? ][/]",
    Status.NOT_APPLICABLE: "[dim][ - ][/]",
}
_ASCII_TYPOGRAPHY = str.maketrans({"—": "-", "…": "...", "•": "*", "✔": "[ OK ]", "✘": "[FAIL]"})
_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render_text(
    report: Report, color: bool = False, width: int = 100, ascii_marks: bool = False
) -> str:
    """The report for a person; ``color`` adds ANSI colours.

    ``ascii_marks`` writes ``[FAIL]`` / ``[ OK ]`` / ``[ ? ]`` / ``[ - ]`` instead of the
    Unicode marks, for an output whose encoding cannot carry them (issue 11 point 10).
    """
    console, buffer = text_console(color, width)
    _say(
        console,
        f"[bold]onedrive-doctor {__version__}[/] — why OneDrive says "
        + (
            f"{clean(report.error_code)}"  # --error CODE: the code the user asked about
            if report.error_code
            else "0x8004de40 (can't connect to the cloud)"
        ),
    )
    _say(console, f"[dim]Evidence: {clean(_describe_origin(report))}[/]")
    if report.note:
        _say(console, f"[bold]{clean(report.note)}[/]")
    # Which file could not be read and why: only the checks that need it are unknown.
    for name, reason in sorted(report.problems.items()):
        _say(console, f"[yellow]Unreadable file {clean(name)}[/]: {clean(reason)}", indent=2)
    for _name, note in sorted(report.evidence_notes.items()):
        _say(console, f"[dim]Note: {clean(note)}[/]", indent=2)
    console.print()
    for summary in report.steps():
        mark, word = _MARK[summary.status]
        if ascii_marks:
            mark = _ASCII_MARK[summary.status]
        _say(console, f"{mark} [bold]{clean(summary.step.label)}[/]: {word}")
        for finding in summary.failing:
            style = _SEVERITY_STYLE[finding.severity or Severity.INFO]
            _say(
                console,
                f"[{style}]{finding.id}[/] {clean(finding.name)}: "
                f"{clean(_headline(finding.message))}",
                indent=4,
            )
        if summary.status is Status.NOT_APPLICABLE and summary.findings:
            # Say why the article's step does not apply (e.g. the join steps on a home PC).
            _say(console, f"[dim]{clean(summary.findings[0].message)}[/]", indent=4)
        unknown = [f for f in summary.findings if f.status is Status.UNKNOWN]
        if unknown and summary.status is not Status.FAIL:
            reasons = sorted({f.message for f in unknown})
            more = f" (+{len(reasons) - 1} other reasons)" if len(reasons) > 1 else ""
            ids = ", ".join(f.id for f in unknown)
            _say(console, f"[dim]{ids}: {clean(reasons[0])}{more}[/]", indent=4)
    fails = [f for s in report.steps() for f in s.failing]
    if fails:
        console.print()
        _say(console, "[bold]What to do, most important first[/]")
        for number, finding in enumerate(fails, 1):
            _print_fix(console, number, finding)
    console.print()
    counts = report.counts()
    _say(
        console,
        f"[dim]{counts['fail']} failed, {counts['pass']} passed, "
        f"{counts['unknown']} unknown, {counts['not_applicable']} not applicable. "
        "Details of a check: onedrive-doctor checks ID[/]",
    )
    text = console_text(buffer)
    return text.translate(_ASCII_TYPOGRAPHY) if ascii_marks else text


def _say(console: Console, markup: str, indent: int = 0) -> None:
    """Print ``markup`` wrapped to the console width with a hanging indent."""
    from rich.padding import Padding
    from rich.text import Text

    text = Text.from_markup(markup)
    console.print(Padding(text, (0, 0, 0, indent), expand=False) if indent else text)


def _print_fix(console: Console, number: int, finding: Finding) -> None:

    severity = finding.severity or Severity.INFO
    _say(
        console,
        f"{number}. [{_SEVERITY_STYLE[severity]}]{finding.id} {clean(finding.name)}"
        f"[/] ({severity.value})",
    )
    _say(console, clean(finding.message), indent=3)
    if finding.fix is None:
        return
    fix = finding.fix
    needs = [
        word
        for flag, word in ((fix.needs_admin, "admin rights"), (fix.needs_restart, "a restart"))
        if flag
    ]
    extra = f" — needs {' and '.join(needs)}" if needs else ""
    _say(console, f"[bold]Fix:[/] {clean(fix.title)} [dim]({fix.safety}{extra})[/]", indent=3)
    for step in fix.steps:
        _say(console, f"• {clean(step)}", indent=5)


_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-Z])")


def _headline(message: str, limit: int = 240) -> str:
    """The first sentence of a finding, for the one-line-per-finding step summary."""
    first = _SENTENCE_END.split(message, maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + " …"


def _describe_origin(report: Report) -> str:
    manifest = report.manifest or {}
    host = manifest.get("host")
    parts = [report.origin]
    if isinstance(host, dict):
        parts.append(f"collected on {host.get('os', '?')} {host.get('release', '')}".rstrip())
    if manifest.get("created"):
        parts.append(f"at {manifest['created']}")
    if report.problems:
        parts.append(f"{len(report.problems)} unreadable file(s)")
    return ", ".join(parts)
