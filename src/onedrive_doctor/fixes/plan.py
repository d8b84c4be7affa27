"""The fix plan: an ordered list of typed changes, each with the check it fixes.

This module holds the plan's types, which the planner, the fix engine and the exports
(``.reg``, ``.ps1``, Intune) share. :class:`PlanStep` pairs a check ID with one
:class:`~onedrive_doctor.fixes.changes.Change`; :class:`Skipped` says why a failing check
gets no step; :class:`Plan` is what every executor and renderer takes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .changes import Change, DeleteKey, DeleteValue, Hive, RunCommand, Safety, SetValue

__all__ = ["Plan", "PlanStep", "Skipped"]


@dataclass(frozen=True)
class PlanStep:
    """One change of the plan, and the check whose failure it fixes."""

    check_id: str
    change: Change

    @property
    def safety(self) -> Safety:
        """The change's safety: safe, needs-confirmation or manual."""
        return self.change.safety

    @property
    def needs_admin(self) -> bool:
        """Whether the change needs an administrator (HKLM, or a command that says so)."""
        return self.change.needs_admin

    @property
    def needs_restart(self) -> bool:
        """Whether the change takes effect only after a restart."""
        return self.change.needs_restart

    @property
    def hive(self) -> Hive | None:
        """The hive of a registry change; ``None`` for commands and manual steps."""
        if isinstance(self.change, (SetValue, DeleteValue, DeleteKey)):
            return self.change.hive
        return None

    @property
    def is_command(self) -> bool:
        """Whether the step runs a command."""
        return isinstance(self.change, RunCommand)


@dataclass(frozen=True)
class Skipped:
    """A failing check the plan has no step for, and why (no local fix, moot, ...)."""

    check_id: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """The ordered steps, the failing checks left out with their reasons, and what to do after.

    ``after`` are the closing instructions (restart only where a step needs it, then sign in
    to OneDrive again).
    """

    steps: tuple[PlanStep, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    after: tuple[str, ...] = ()

    @property
    def needs_admin(self) -> bool:
        """Whether any step needs an administrator."""
        return any(step.needs_admin for step in self.steps)

    @property
    def needs_restart(self) -> bool:
        """Whether any step needs a restart."""
        return any(step.needs_restart for step in self.steps)
