"""The attempt record every probe returns (what was tried, how it went, what it found)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

__all__ = ["AttemptStatus", "ProbeAttempt"]


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
    CONNECT).
    """

    probe: str
    target: str
    status: AttemptStatus
    error: str | None = None
    elapsed_s: float = 0.0
    via: str | None = None
    result: dict[str, Any] = field(default_factory=dict)

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
    def from_json(cls, data: Any) -> ProbeAttempt:
        """Read one attempt back; raises ``ValueError`` when the record is malformed."""
        if not isinstance(data, dict):
            raise ValueError("an attempt must be a JSON object")
        probe, target = data.get("probe"), data.get("target")
        if not isinstance(probe, str) or not isinstance(target, str):
            raise ValueError("an attempt needs string 'probe' and 'target'")
        error = data.get("error")
        via = data.get("via")
        elapsed = data.get("elapsed_s", 0.0)
        result = data.get("result") or {}
        if not isinstance(result, dict) or not isinstance(elapsed, (int, float)):
            raise ValueError(f"attempt {probe} {target}: bad 'result' or 'elapsed_s'")
        try:
            seconds = float(elapsed)
        except OverflowError as exc:
            raise ValueError(f"attempt {probe} {target}: impossible 'elapsed_s'") from exc
        return cls(
            probe=probe,
            target=target,
            status=AttemptStatus(data.get("status")),
            error=error if isinstance(error, str) else None,
            elapsed_s=seconds,
            via=via if isinstance(via, str) else None,
            result=result,
        )
