"""The text report: one summary line per article step, then each failing check with its fix."""

from __future__ import annotations

import io

from .._model import Finding, Severity, Status
from .._version import __version__
from ._report import Report

__all__ = ["render_text"]

_MARK = {
    Status.PASS: ("[green]✔[/]", "ok"),
    Status.FAIL: ("[red]✘[/]", "problem found"),
    Status.UNKNOWN: ("[yellow]?[/]", "could not be checked"),
    Status.NOT_APPLICABLE: ("[dim]-[/]", "does not apply"),
}
_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render_text(report: Report, color: bool = False, width: int = 100) -> str:
    """The report for a person; ``color`` adds ANSI colours."""
    from rich.console import Console
    from rich.markup import escape

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        width=width,
        highlight=False,
        emoji=False,
    )
    out = console.print
    out(
        f"[bold]onedrive-doctor {__version__}[/] — why OneDrive says 0x8004de40 "
        "(can't connect to the cloud)"
    )
    out(f"[dim]Evidence: {escape(_describe_origin(report))}[/]")
    out()
    for summary in report.steps():
        mark, word = _MARK[summary.status]
        out(f"{mark} [bold]{escape(summary.step.label)}[/]: {word}")
        for finding in summary.findings:
            if finding.status is Status.FAIL:
                style = _SEVERITY_STYLE[finding.severity or Severity.INFO]
                out(
                    f"    [{style}]{finding.id}[/] {escape(finding.name)}: "
                    f"{escape(finding.message)}"
                )
        unknown = [f for f in summary.findings if f.status is Status.UNKNOWN]
        if unknown and summary.status is not Status.FAIL:
            reasons = sorted({f.message for f in unknown})
            ids = ", ".join(f.id for f in unknown)
            out(
                f"    [dim]{ids}: {escape(reasons[0])}"
                + (f" (+{len(reasons) - 1} other reasons)" if len(reasons) > 1 else "")
                + "[/]"
            )
    fails = [f for s in report.steps() for f in s.failing]
    if fails:
        out()
        out("[bold]What to do, most important first[/]")
        for number, finding in enumerate(fails, 1):
            _print_fix(console, number, finding)
    out()
    counts = report.counts()
    out(
        f"[dim]{counts['fail']} failed, {counts['pass']} passed, {counts['unknown']} unknown, "
        f"{counts['not_applicable']} not applicable. "
        "Details of a check: onedrive-doctor checks ID[/]"
    )
    return buffer.getvalue()


def _print_fix(console: object, number: int, finding: Finding) -> None:
    from rich.console import Console
    from rich.markup import escape

    assert isinstance(console, Console)
    style = _SEVERITY_STYLE[finding.severity or Severity.INFO]
    console.print(
        f"{number}. [{style}]{finding.id} {escape(finding.name)}[/] "
        f"({finding.severity.value if finding.severity else 'info'})"
    )
    console.print(f"   {escape(finding.message)}")
    if finding.fix is None:
        return
    needs = [
        word
        for flag, word in (
            (finding.fix.needs_admin, "admin rights"),
            (finding.fix.needs_restart, "a restart"),
        )
        if flag
    ]
    extra = f" — needs {' and '.join(needs)}" if needs else ""
    console.print(
        f"   [bold]Fix:[/] {escape(finding.fix.title)} [dim]({finding.fix.safety}{extra})[/]"
    )
    for step in finding.fix.steps:
        console.print(f"     • {escape(step)}")


def _describe_origin(report: Report) -> str:
    manifest = report.manifest or {}
    host = manifest.get("host") if isinstance(manifest.get("host"), dict) else None
    parts = [report.origin]
    if host:
        parts.append(f"collected on {host.get('os', '?')} {host.get('release', '')}".rstrip())
    if manifest.get("created"):
        parts.append(f"at {manifest['created']}")
    if report.problems:
        parts.append(f"{len(report.problems)} unreadable file(s)")
    return ", ".join(parts)
