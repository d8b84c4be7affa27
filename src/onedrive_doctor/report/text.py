"""The text report: one summary line per article step, then each failing check with its fix."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .._version import __version__
from ..fixes import Change, ManualStep
from ..fixes.render import command_line
from ..model import Severity, Status
from ._priority import PlannedFix, plan_fixes
from ._report import Report, StepSummary
from ._verdict import verdict
from .console import clean, console_text, printable, text_console

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

    Prose is hard-wrapped at ``width`` columns; commands and URLs never are: each stands on its
    own indented line, exactly as it runs, so it can be copied (issue 9 point 4).
    """
    console, buffer = text_console(color, width)
    say = _Sayer(console, width)
    say(
        f"[bold]onedrive-doctor {__version__}[/] — why OneDrive says "
        + (
            f"{clean(report.error_code)}"  # --error CODE: the code the user asked about
            if report.error_code
            else "0x8004de40 (can't connect to the cloud)"
        )
    )
    found = verdict(report)
    say(f"[bold]{clean(found.summary)}[/]")
    say(f"[dim]{clean(found.windows)}. {clean(found.collected)}.[/]")
    say(f"[dim]Evidence: {clean(_describe_origin(report))}[/]")
    if report.note:
        say(f"[bold]{clean(report.note)}[/]")
    # Which file could not be read and why: only the checks that need it are unknown.
    for name, reason in sorted(report.problems.items()):
        say(f"[yellow]Unreadable file {clean(name)}[/]: {clean(reason)}", indent=2)
    for _name, note in sorted(report.evidence_notes.items()):
        say(f"[dim]Note: {clean(note)}[/]", indent=2)
    console.print()
    for summary in report.steps():
        mark, word = _step_mark(summary, ascii_marks)
        say(f"{mark} [bold]{clean(summary.step.label)}[/]: {word}")
        for finding in summary.failing:
            style = _SEVERITY_STYLE[finding.severity or Severity.INFO]
            say(
                f"[{style}]{finding.id}[/] {clean(finding.name)}: "
                f"{clean(_headline(finding.message))}",
                indent=4,
            )
        if summary.status is Status.NOT_APPLICABLE and summary.findings:
            # Say why the article's step does not apply (e.g. the join steps on a home PC).
            say(f"[dim]{clean(summary.findings[0].message)}[/]", indent=4)
        unknown = [f for f in summary.findings if f.status is Status.UNKNOWN]
        if unknown and summary.status is not Status.FAIL:
            reasons = sorted({f.message for f in unknown})
            more = f" (+{len(reasons) - 1} other reasons)" if len(reasons) > 1 else ""
            ids = ", ".join(f.id for f in unknown)
            say(f"[dim]{ids}: {clean(reasons[0])}{more}[/]", indent=4)
    plan = plan_fixes(report.findings)
    if plan:
        console.print()
        say("[bold]What to do, most important first[/]")
        for planned in plan:
            _print_fix(say, planned)
    console.print()
    counts = report.counts()
    say(
        f"[dim]{counts['fail']} failed, {counts['pass']} passed, "
        f"{counts['unknown']} unknown, {counts['not_applicable']} not applicable. "
        "Details of a check: onedrive-doctor checks ID[/]"
    )
    text = console_text(buffer)
    return text.translate(_ASCII_TYPOGRAPHY) if ascii_marks else text


def _step_mark(summary: StepSummary, ascii_marks: bool) -> tuple[str, str]:
    """The mark and word of a step: a red cross only when one of its failures is an error."""
    if summary.status is Status.FAIL and not any(
        f.severity is Severity.ERROR for f in summary.failing
    ):
        return ("[yellow][WARN][/]" if ascii_marks else "[yellow]![/]"), "warning"
    mark, word = _MARK[summary.status]
    return (_ASCII_MARK[summary.status] if ascii_marks else mark), word


# A URL: never split, and at the end of a fix step it goes on its own line.
_URL = re.compile(r"https?://\S+")
_TRAILING_URL = re.compile(r"^(?P<prose>.*?)[:\s(]*(?P<url>https?://[^\s()]+)\)?\.?$")


class _Sayer:
    """Prints markup hard-wrapped at the width, never splitting a URL or a registry path."""

    def __init__(self, console: Console, width: int) -> None:
        self.console = console
        self.width = width

    def __call__(self, markup: str, indent: int = 0, hang: int = 0) -> None:
        from rich.text import Text

        text = Text.from_markup(markup)
        for start, end in _wrap(text.plain, self.width - indent, hang):
            lead = indent + (hang if start else 0)
            self.verbatim(Text(" " * lead) + text[start:end])

    def verbatim(self, line: object, indent: int = 0) -> None:
        """One line exactly as given (a command, a URL): never wrapped, never cropped."""
        from rich.text import Text

        shown = Text(" " * indent + line) if isinstance(line, str) else line
        self.console.print(shown, soft_wrap=True, no_wrap=True, overflow="ignore", crop=False)


def _wrap(plain: str, room: int, hang: int = 0) -> list[tuple[int, int]]:
    r"""Line slices of ``plain``: greedy at spaces, except inside a registry path.

    "...\TLS 1.2\Client" has a space between two pieces of one path; breaking there is
    what made a copied path wrong, so a space between two tokens that both hold a backslash
    does not break. A token longer than the room stands alone, whole.
    """
    words = [[m.start(), m.end()] for m in re.finditer(r"\S+", plain)]
    glued: list[list[int]] = []
    for word in words:
        if (
            glued
            and "\\" in plain[glued[-1][0] : glued[-1][1]].rsplit(" ", 1)[-1]
            and ("\\" in plain[word[0] : word[1]])
        ):
            glued[-1][1] = word[1]
        else:
            glued.append(word)
    lines: list[tuple[int, int]] = []
    for start, end in glued:
        limit = room - (hang if lines else 0)
        if lines and end - lines[-1][0] <= limit:
            lines[-1] = (lines[-1][0], end)
        else:
            lines.append((start, end))
    return lines or [(0, 0)]


def _print_fix(say: _Sayer, planned: PlannedFix) -> None:
    finding = planned.finding
    severity = finding.severity or Severity.INFO
    say(
        f"{planned.number}. [{_SEVERITY_STYLE[severity]}]{finding.id} {clean(finding.name)}"
        f"[/] ({severity.value})",
        hang=3,
    )
    say(clean(finding.message), indent=3)
    note = planned.note()
    if note is not None:
        say(f"[bold]{clean(note)}[/]", indent=3)
    if finding.fix is None:
        return
    fix = finding.fix
    needs = [
        word
        for flag, word in ((fix.needs_admin, "admin rights"), (fix.needs_restart, "a restart"))
        if flag
    ]
    extra = f" — needs {' and '.join(needs)}" if needs else ""
    say(f"[bold]Fix:[/] {clean(fix.title)} [dim]({fix.safety}{extra})[/]", indent=3)
    if planned.same_as is not None:
        return  # the steps are those of the earlier entry: not written twice
    for change in fix.changes:
        _print_change(say, change)


def _print_change(say: _Sayer, change: Change) -> None:
    """One typed change: its sentence as prose, its command (or link) alone on a line."""
    if isinstance(change, ManualStep):
        _print_prose_with_link(say, change.text, change.link)
        return
    line = command_line(change)
    if change.how is None or "{command}" not in change.how:
        if change.how is not None:
            _print_prose_with_link(say, change.how, None)
        else:
            say.verbatim(clean_plain(line), indent=7)
        return
    before, _, after = change.how.partition("{command}")
    if before.strip():
        say(f"• {clean(before.strip())}", indent=5, hang=2)
    say.verbatim(clean_plain(line), indent=7)
    if after.strip(" ."):
        say(clean(after.strip()), indent=7)


def _print_prose_with_link(say: _Sayer, text: str, link: str | None) -> None:
    if link is None:
        match = _TRAILING_URL.match(text)
        if match is not None and match.group("prose"):
            text, link = match.group("prose").rstrip(" :("), match.group("url")
    say(f"• {clean(text)}{':' if link else ''}", indent=5, hang=2)
    if link is not None:
        say.verbatim(clean_plain(link), indent=7)


def clean_plain(value: str) -> str:
    """``value`` with control characters shown as escapes (a verbatim line is not markup)."""
    return printable(value)


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
