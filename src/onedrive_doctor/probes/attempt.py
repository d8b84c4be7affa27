"""The attempt record every probe returns (what was tried, how it went, what it found)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .results import ProbeResult, parse_result

__all__ = ["AttemptStatus", "ProbeAttempt"]

R = TypeVar("R", bound=ProbeResult)


class AttemptStatus(str, enum.Enum):
    """How a probe ended. Only ``ok`` means the probe saw what it was looking for."""

    OK = "ok"
    FAILED = "failed"  # the network answered with an error (refused, NXDOMAIN, HTTP 407, ...)
    TIMEOUT = "timeout"  # nothing answered within the timeout or the run's budget
    ERROR = "error"  # the probe itself could not run (bad URL, no PAC engine, ...)
    SKIPPED = "skipped"  # not attempted, with the reason in ``error``


@dataclass(frozen=True)
class ProbeAttempt:
    """One probe's record in ``probes.json``.

    ``probe`` is the kind (``ncsi``, ``dns``, ``tcp``, ``proxy``, ``https``, ``pac``);
    ``target`` what it was aimed at; ``via`` the proxy used (``None`` for direct);
    ``result`` holds what was observed, also on failure (e.g. the HTTP status of a refused
    CONNECT), exactly as ``probes.json`` stores it; checks read it typed, through
    :meth:`read` (:mod:`.results`), never by string keys.
    """

    probe: str
    target: str
    status: AttemptStatus
    error: str | None = None
    elapsed_s: float = 0.0
    via: str | None = None
    result: dict[str, Any] = field(default_factory=dict)
    _typed: dict[type[ProbeResult], ProbeResult] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def of(
        cls,
        probe: str,
        target: str,
        status: AttemptStatus,
        result: ProbeResult,
        error: str | None = None,
        elapsed_s: float = 0.0,
        via: str | None = None,
    ) -> ProbeAttempt:
        """An attempt whose result is typed (stored as its JSON)."""
        return cls(probe, target, status, error, elapsed_s, via, result.to_json())

    def read(self, kind: type[R]) -> R:
        """The result as ``kind`` (e.g. ``NcsiResult``); ``ValueError`` when a field is bad.

        Attempts read from a bundle were checked by :meth:`from_json` already, so for them
        this never raises.
        """
        cached = self._typed.get(kind)
        if cached is None:
            cached = self._typed[kind] = kind.from_json(self.result, "result")
        assert isinstance(cached, kind)
        return cached

    @property
    def ok(self) -> bool:
        """True when the probe succeeded."""
        return self.status is AttemptStatus.OK

    def to_json(self) -> dict[str, Any]:
        """The attempt as stored in ``probes.json``."""
        return {
            "probe": self.probe,
            "target": self.target,
            "status": self.status.value,
            "error": self.error,
            "elapsed_s": round(self.elapsed_s, 4),
            "via": self.via,
            "result": self.result,
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "attempt") -> ProbeAttempt:
        """Read one attempt back; ``ValueError`` names the bad field ("attempts[3].status ...")."""
        if not isinstance(data, dict):
            raise ValueError(f"{where} is not an object")
        probe, target = data.get("probe"), data.get("target")
        for key, value in (("probe", probe), ("target", target)):
            if not isinstance(value, str):
                raise ValueError(f"{where}.{key} is not a string")
        status = data.get("status")
        if not isinstance(status, str):
            raise ValueError(f"{where}.status is not a string")
        try:
            state = AttemptStatus(status)
        except ValueError:
            known = ", ".join(s.value for s in AttemptStatus)
            raise ValueError(f"{where}.status is {status!r}, not one of {known}") from None
        error, via = data.get("error"), data.get("via")
        for key, value in (("error", error), ("via", via)):
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{where}.{key} is not a string")
        elapsed = data.get("elapsed_s", 0.0)
        if isinstance(elapsed, bool) or not isinstance(elapsed, (int, float)):
            raise ValueError(f"{where}.elapsed_s is not a number")
        try:
            seconds = float(elapsed)
        except OverflowError:
            raise ValueError(f"{where}.elapsed_s is not a number") from None
        result = data.get("result")
        if result is None:
            result = {}
        if not isinstance(result, dict):
            raise ValueError(f"{where}.result is not an object")
        attempt = cls(
            probe=probe,  # type: ignore[arg-type]
            target=target,  # type: ignore[arg-type]
            status=state,
            error=error,
            elapsed_s=seconds,
            via=via,
            result=result,
        )
        # Every field's type is checked here, once: a check never meets a bad one.
        typed = parse_result(attempt.probe, result, f"{where}.result")
        attempt._typed[type(typed)] = typed
        return attempt
