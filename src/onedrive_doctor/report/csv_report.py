"""``--format csv``: one row per finding, for a spreadsheet or a ticket system's import.

Quoting is RFC 4180 (fields with a comma, quote or line break in double quotes, quotes doubled,
CRLF line ends). A cell a spreadsheet would read as a formula (it starts with ``=``, ``+``,
``-``, ``@``, or a tab / carriage return) gets a leading ``'``, so a hostile bundle value
cannot run as one (OWASP, "CSV Injection": https://owasp.org/www-community/attacks/CSV_Injection).
"""

from __future__ import annotations

import csv
import io

from ._report import Report

__all__ = ["CSV_COLUMNS", "render_csv"]

CSV_COLUMNS = ("id", "name", "step", "status", "severity", "message", "fix_title")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def render_csv(report: Report) -> str:
    """A header row, then one row per finding in the report's order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for finding in report.findings:
        row = (
            finding.id,
            finding.name,
            finding.step.value,
            finding.status.value,
            finding.severity.value if finding.severity is not None else "",
            finding.message,
            finding.fix.title if finding.fix is not None else "",
        )
        writer.writerow([_cell(str(value)) for value in row])
    return buffer.getvalue()
