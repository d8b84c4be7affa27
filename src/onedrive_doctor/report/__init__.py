"""Reports: the findings of one run, and renderers that turn them into text or JSON."""

from __future__ import annotations

from ._report import REPORT_SCHEMA_VERSION, Report
from .html_report import render_html
from .json_report import render_json
from .text import render_text

__all__ = ["REPORT_SCHEMA_VERSION", "Report", "render_html", "render_json", "render_text"]
