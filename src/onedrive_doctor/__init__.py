"""onedrive-doctor: why OneDrive says 0x8004de40 ("having trouble connecting to the cloud").

The public API is the pipeline: collect a bundle, analyze it, render the report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .analysis import analyze_bundle
    from .collect.collector import collect_bundle
    from .model import ArticleStep, Finding, Fix, Severity, Status

__all__ = [
    "ArticleStep",
    "Finding",
    "Fix",
    "Severity",
    "Status",
    "__version__",
    "analyze_bundle",
    "collect_bundle",
]

_LAZY = {
    "ArticleStep": ".model",
    "Finding": ".model",
    "Fix": ".model",
    "Severity": ".model",
    "Status": ".model",
    "analyze_bundle": ".analysis",
    "collect_bundle": ".collect.collector",
}


def __getattr__(name: str) -> Any:
    # Lazy, so that `onedrive-doctor --help` does not import the whole pipeline.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(name)
