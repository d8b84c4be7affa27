"""``--quiet``: the one verdict line (the exit code says the rest).

Never an all-clear that is not one: checks that could not run are counted in the line.
"""

from __future__ import annotations

from ..model import Status
from ._report import Report
from .console import printable

__all__ = ["quiet_line"]


def quiet_line(report: Report) -> str:
    """``FAIL: ID name (+N more)``, or ``OK: ...`` with how many checks could not run."""
    errors = [f for f in report.findings if f.is_error]
    prefix = f"{report.error_code}: " if report.error_code else ""
    unknown = report.counts()[Status.UNKNOWN.value]
    if errors:
        first = errors[0]
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        line = f"FAIL: {prefix}{first.id} {first.name}: {first.message}{more}"
    elif unknown:
        line = (
            f"UNKNOWN: {prefix}no blocking cause found, but {unknown} check(s) could not run "
            "(run without --quiet to see which)"
        )
    else:
        line = f"OK: {prefix}no local cause found"
    return printable(" ".join(line.split())) + "\n"
