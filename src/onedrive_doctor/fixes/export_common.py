"""What the exports share: refusing to overwrite, writing whole files, the plan's parts.

An export never replaces a file (or fills a non-empty folder) it did not just create unless
``force`` is given: the user's own ``fix.reg`` may be the only backup they have. Files are
written into a temporary sibling and renamed, so an interrupted export leaves nothing half
written.
"""

from __future__ import annotations

from pathlib import Path

from .. import atomic
from ..errors import InputError
from .changes import DeleteKey, DeleteValue, ManualStep, RunCommand, SetValue
from .plan import Plan, PlanStep
from .render import render_step

__all__ = [
    "ExportError",
    "check_free",
    "check_free_folder",
    "other_steps",
    "registry_steps",
    "write_whole",
]


class ExportError(InputError):
    """An export cannot be written (the file exists, the folder is not empty, ...): exit 3."""


def check_free(path: Path, *, force: bool) -> None:
    """Refuse ``path`` when it exists and ``force`` is not given, or when it is a folder."""
    if path.is_dir():
        raise ExportError("is a folder, not a file", str(path))
    if path.exists() and not force:
        raise ExportError("exists already (give --force to replace it)", str(path))


def check_free_folder(folder: Path, *, force: bool) -> None:
    """Refuse a folder that is a file, or that holds anything unless ``force`` is given."""
    if folder.exists() and not folder.is_dir():
        raise ExportError("is a file, not a folder", str(folder))
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise ExportError("is not empty (give --force to write into it)", str(folder))


def write_whole(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` (its folder made if need be) through a renamed sibling."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic.write_whole(path, data)


RegistryStep = tuple[PlanStep, SetValue | DeleteValue | DeleteKey]


def registry_steps(plan: Plan) -> list[RegistryStep]:
    """The plan's registry changes, in order, each with its step."""
    return [
        (step, step.change)
        for step in plan.steps
        if isinstance(step.change, (SetValue, DeleteValue, DeleteKey))
    ]


def other_steps(plan: Plan) -> list[str]:
    """The plan's commands and manual steps as a person reads them, ``CHECK: text``."""
    lines: list[str] = []
    for step in plan.steps:
        change = step.change
        if isinstance(change, ManualStep):
            lines.append(f"{step.check_id}: {render_step(change)}")
        elif isinstance(change, RunCommand):
            undo = (
                f"undo: {change.undo}" if change.undo is not None else f"no undo: {change.undo_why}"
            )
            lines.append(f"{step.check_id}: ({change.shell.value}) {render_step(change)} ({undo})")
    return lines
