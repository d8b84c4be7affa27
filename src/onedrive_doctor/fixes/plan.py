"""The fix plan: an ordered list of typed changes, each with the check it fixes.

This module holds the plan's types, which the planner, the fix engine and the exports
(``.reg``, ``.ps1``, Intune) share. :class:`PlanStep` pairs a check ID with one
:class:`~onedrive_doctor.fixes.changes.Change`; :class:`Skipped` says why a failing check
gets no step; :class:`Plan` is what every executor and renderer takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .changes import (
    Change,
    DeleteKey,
    DeleteValue,
    Hive,
    RunCommand,
    Safety,
    SetValue,
    change_from_json,
)

__all__ = ["Plan", "PlanStep", "Skipped"]


@dataclass(frozen=True)
class PlanStep:
    """One change of the plan, and the check whose failure it fixes."""

    check_id: str
    change: Change
    #: Other failing checks the same change fixes (SCH002 and SCH005 both delete ECDH's
    #: ``Enabled=0``): the change is planned once, for the first of them.
    also: tuple[str, ...] = ()

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

    @property
    def runs_as(self) -> str:
        """Who runs the step: ``administrator`` (HKLM, elevated commands) or ``user``.

        HKCU belongs to the signed-in user: an elevated prompt of another account would write
        that account's HKCU, so those steps run as the user, not elevated.
        """
        return "administrator" if self.needs_admin else "user"

    def applies(self, include_confirm: bool) -> bool:
        """Whether ``fix --apply`` takes this step (``--yes`` adds needs-confirmation ones)."""
        if self.safety is Safety.SAFE:
            return True
        return include_confirm and self.safety is Safety.NEEDS_CONFIRMATION

    def to_json(self) -> dict[str, Any]:
        """The step as ``fix --format json`` prints it."""
        return {
            "check": self.check_id,
            "also": list(self.also),
            "runs_as": self.runs_as,
            "change": self.change.to_json(),
        }

    @classmethod
    def from_json(cls, data: Any) -> PlanStep:
        """A step read back from :meth:`to_json`; ``ValueError`` when malformed."""
        if not isinstance(data, dict) or not isinstance(data.get("check"), str):
            raise ValueError("a plan step is not an object with a 'check'")
        also = data.get("also", [])
        if not isinstance(also, list) or not all(isinstance(a, str) for a in also):
            raise ValueError("a plan step's 'also' is not a list of check IDs")
        return cls(data["check"], change_from_json(data.get("change")), tuple(also))


@dataclass(frozen=True)
class Skipped:
    """A failing check the plan has no step for, and why (no local fix, moot, ...)."""

    check_id: str
    reason: str

    def to_json(self) -> dict[str, str]:
        """The skipped check as ``fix --format json`` prints it."""
        return {"check": self.check_id, "reason": self.reason}


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

    def to_json(self) -> dict[str, Any]:
        """The plan's own keys (the renderer adds ``schema_version``, ``tool``, the source)."""
        return {
            "steps": [step.to_json() for step in self.steps],
            "skipped": [skipped.to_json() for skipped in self.skipped],
            "after": list(self.after),
            "needs_admin": self.needs_admin,
            "needs_restart": self.needs_restart,
        }

    @classmethod
    def from_json(cls, data: Any) -> Plan:
        """A plan read back from :meth:`to_json`; raises ``ValueError`` when it is malformed."""
        if not isinstance(data, dict):
            raise ValueError("a plan is not an object")
        steps, skipped, after = data.get("steps"), data.get("skipped"), data.get("after")
        if not (isinstance(steps, list) and isinstance(skipped, list) and isinstance(after, list)):
            raise ValueError("a plan needs the lists 'steps', 'skipped' and 'after'")
        left_out = []
        for item in skipped:
            if not isinstance(item, dict) or not all(
                isinstance(item.get(k), str) for k in ("check", "reason")
            ):
                raise ValueError("a skipped check needs 'check' and 'reason'")
            left_out.append(Skipped(item["check"], item["reason"]))
        if not all(isinstance(line, str) for line in after):
            raise ValueError("'after' must be a list of strings")
        return cls(tuple(PlanStep.from_json(step) for step in steps), tuple(left_out), tuple(after))
