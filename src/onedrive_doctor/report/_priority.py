"""The order of "What to do": what unblocks sign-in first (issue 9 point 3).

One pure function, :func:`plan_fixes`, decides it for every renderer: errors before warnings
before info; among errors a root cause first (OS001: a Windows that can never meet the front
door's TLS policy makes every local TLS setting moot, docs/knowledge/windows-tls.md); then the
article's step order. Advice two findings share is given once and referenced from the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model import ArticleStep, Finding, Severity, Status

__all__ = ["MOOT_PREFIXES", "ROOT_CAUSES", "SAME_ADVICE", "PlannedFix", "plan_fixes"]

# Findings that, when they fail, explain the others: OS001 says no local setting can make this
# Windows meet the front door's TLS policy, so the registry fixes below are moot until it goes.
ROOT_CAUSES = ("OS001",)
# The checks whose fixes are local TLS settings (Schannel, WinHTTP, Internet Options).
MOOT_PREFIXES = ("SCH", "WHT", "INE")
# Pairs whose fixes give the same advice (upgrade Windows; the WinHTTP DefaultSecureProtocols
# values; the cipher-suite order): the later of the two in the plan points at the earlier.
SAME_ADVICE = (("OS001", "OS002"), ("WHT001", "WHT002"), ("SCH002", "SCH004"))

_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_STEP_RANK = {step: index for index, step in enumerate(ArticleStep)}


@dataclass(frozen=True)
class PlannedFix:
    """One entry of "What to do": its number, and what it defers to.

    ``same_as`` is the number of an earlier entry that gives the same advice (do not repeat
    it); ``moot_by`` is the number of the root cause that makes this fix useless until it is
    dealt with, and ``moot_id`` that root cause's ID.
    """

    number: int
    finding: Finding
    same_as: int | None = None
    moot_by: int | None = None
    moot_id: str | None = None
    same_as_id: str | None = None

    def note(self) -> str | None:
        """The sentence a renderer shows instead of (or before) repeating advice."""
        notes = []
        if self.moot_by is not None:
            notes.append(
                f"Moot while {self.moot_id} stands: no local setting lets this Windows sign in "
                f"(see {self.moot_by}.)."
            )
        if self.same_as is not None:
            notes.append(f"The same advice as {self.same_as_id}: see {self.same_as}.")
        return " ".join(notes) or None


def plan_fixes(findings: Iterable[Finding]) -> tuple[PlannedFix, ...]:
    """The failing findings in the order that unblocks sign-in, numbered from 1."""
    indexed = list(enumerate(f for f in findings if f.status is Status.FAIL))

    def key(item: tuple[int, Finding]) -> tuple[int, int, int, int]:
        index, finding = item
        return (
            _SEVERITY_RANK[finding.severity or Severity.INFO],
            0 if finding.id in ROOT_CAUSES else 1,
            _STEP_RANK[finding.step],
            index,
        )

    ordered = [finding for _, finding in sorted(indexed, key=key)]
    numbers = {finding.id: number for number, finding in enumerate(ordered, 1)}
    root = next((f.id for f in ordered if f.id in ROOT_CAUSES), None)
    partner = {a: b for pair in SAME_ADVICE for a, b in (pair, pair[::-1])}
    plan = []
    for number, finding in enumerate(ordered, 1):
        other = numbers.get(partner.get(finding.id, ""))
        moot = root is not None and finding.id.startswith(MOOT_PREFIXES)
        plan.append(
            PlannedFix(
                number,
                finding,
                same_as=other if other is not None and other < number else None,
                same_as_id=partner[finding.id] if other is not None and other < number else None,
                moot_by=numbers[root] if moot and root is not None else None,
                moot_id=root if moot else None,
            )
        )
    return tuple(plan)
