"""Evidence: the frozen, parsed view of a bundle that checks read.

Building evidence never raises for a bad file inside the bundle: the file is left out and the
reason is kept in ``problems``, so the checks that needed it report ``unknown`` with that reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .bundle import Bundle, BundleJsonError, load_json, not_collected
from .errors import InputError
from .parsers.text import decode_text
from .probes.attempt import ProbeAttempt
from .registry.regfile import Registry

__all__ = ["TEXT_FILES", "Evidence", "NetworkEvidence", "build_evidence"]

# The plain-text command outputs of docs/spec/bundle.md, parsed by the checks that need them.
TEXT_FILES = ("dsregcmd.txt", "hotfixes.txt", "cipher-suites.txt", "ecc-curves.txt", "nltest.txt")


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class NetworkEvidence:
    """The live probes' records from ``probes.json``."""

    attempts: tuple[ProbeAttempt, ...]
    config: Mapping[str, Any] = field(default_factory=_empty)
    elapsed_s: float = 0.0

    def of(self, probe: str) -> list[ProbeAttempt]:
        """The attempts of one probe kind, in the order they were recorded."""
        return [attempt for attempt in self.attempts if attempt.probe == probe]

    @property
    def expected_body(self) -> str:
        """The text the connectivity probe had to find."""
        value = self.config.get("expected_body")
        return value if isinstance(value, str) else "Microsoft Connect Test"

    @classmethod
    def from_json(cls, data: Any) -> NetworkEvidence:
        """Read ``probes.json``; raises ``ValueError`` when it is malformed."""
        if not isinstance(data, dict):
            raise ValueError("probes.json must hold a JSON object")
        raw = data.get("attempts")
        if not isinstance(raw, list):
            raise ValueError("probes.json has no 'attempts' list")
        config = data.get("config") or {}
        elapsed = data.get("elapsed_s", 0.0)
        if not isinstance(config, dict) or not isinstance(elapsed, (int, float)):
            raise ValueError("probes.json has a malformed 'config' or 'elapsed_s'")
        attempts = tuple(
            ProbeAttempt.from_json(item, f"attempts[{index}]") for index, item in enumerate(raw)
        )
        try:
            seconds = float(elapsed)
        except OverflowError as exc:
            raise ValueError("probes.json has an impossible 'elapsed_s'") from exc
        return cls(attempts, MappingProxyType(config), seconds)


@dataclass(frozen=True)
class Evidence:
    """Everything the checks know about one PC."""

    files: frozenset[str] = frozenset()
    manifest: Mapping[str, Any] | None = None
    network: NetworkEvidence | None = None
    registry: Registry | None = None
    texts: Mapping[str, str] = field(default_factory=_empty)
    onedrive: Mapping[str, Any] | None = None
    replays: tuple[ProbeAttempt, ...] | None = None
    problems: Mapping[str, str] = field(default_factory=_empty)
    #: file -> the command that does not exist on this Windows (``unavailable.txt``).
    unavailable: Mapping[str, str] = field(default_factory=_empty)

    @property
    def host_os(self) -> str | None:
        """The OS the bundle was collected on (``Windows``, ``Linux``, ``Darwin``), if known."""
        host = (self.manifest or {}).get("host")
        value = host.get("os") if isinstance(host, dict) else None
        return value if isinstance(value, str) else None

    def problem(self, prefix: str) -> str | None:
        """The first recorded problem for files starting with ``prefix``, as one line."""
        for name, reason in sorted(self.problems.items()):
            if name.startswith(prefix):
                return reason
        return None


def build_evidence(bundle: Bundle) -> Evidence:
    """Parse every file of ``bundle`` that a check uses."""
    problems: dict[str, str] = {}
    manifest = _load_json(bundle, "manifest.json", problems)
    if isinstance(manifest, dict):
        # A file the collector tried and could not get is "not collected", never "absent".
        for name, reason in not_collected(manifest).items():
            if name not in bundle.files:
                problems.setdefault(name, reason)
    network: NetworkEvidence | None = None
    probes = _load_json(bundle, "probes.json", problems)
    if probes is not None:
        try:
            network = NetworkEvidence.from_json(probes)
        except (ValueError, TypeError, OverflowError) as exc:
            problems["probes.json"] = f"probes.json: {exc}"
    registry = _load_registry(bundle, problems)
    onedrive = _load_json(bundle, "onedrive.json", problems)
    replays = _load_replays(bundle, problems)
    texts: dict[str, str] = {}
    for name in TEXT_FILES:
        data = bundle.get(name)
        if data is None:
            continue
        try:
            texts[name] = decode_text(data, name)
        except InputError as exc:
            problems[name] = str(exc)
    unavailable = _load_unavailable(bundle, texts, problems)
    return Evidence(
        unavailable=MappingProxyType(unavailable),
        files=frozenset(bundle.files),
        manifest=MappingProxyType(manifest) if isinstance(manifest, dict) else None,
        network=network,
        registry=registry,
        texts=MappingProxyType(texts),
        onedrive=MappingProxyType(onedrive) if isinstance(onedrive, dict) else None,
        replays=replays,
        problems=MappingProxyType(problems),
    )


def _load_unavailable(
    bundle: Bundle, texts: dict[str, str], problems: dict[str, str]
) -> dict[str, str]:
    """``unavailable.txt``: lines ``COMMAND FILE`` written by the collectors (docs/spec/bundle.md).

    A listed file's evidence does not exist on this Windows (``not_applicable``), unlike a
    missing or unreadable one; a file that is present anyway wins over its line.
    """
    data = bundle.get("unavailable.txt")
    if data is None:
        return {}
    try:
        text = decode_text(data, "unavailable.txt")
    except InputError as exc:
        problems["unavailable.txt"] = str(exc)
        return {}
    found: dict[str, str] = {}
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2 and words[-1] in TEXT_FILES and words[-1] not in texts:
            found[words[-1]] = " ".join(words[:-1])
    return found


def _load_replays(bundle: Bundle, problems: dict[str, str]) -> tuple[ProbeAttempt, ...] | None:
    """``replay.json``: the PC's own ClientHello replayed to the endpoints (TLS001)."""
    data = _load_json(bundle, "replay.json", problems)
    if data is None:
        return None
    try:
        if not isinstance(data, dict) or not isinstance(data.get("attempts"), list):
            raise ValueError("no 'attempts' list")
        return tuple(
            ProbeAttempt.from_json(item, f"attempts[{index}]")
            for index, item in enumerate(data["attempts"])
        )
    except (ValueError, TypeError, OverflowError) as exc:
        problems["replay.json"] = f"replay.json: {exc}"
        return None


def _load_json(bundle: Bundle, name: str, problems: dict[str, str]) -> Any:
    data = bundle.get(name)
    if data is None:
        return None
    try:
        return load_json(data, name)
    except BundleJsonError as exc:
        problems[name] = str(exc)
        return None


def _load_registry(bundle: Bundle, problems: dict[str, str]) -> Registry | None:
    from .registry.regfile import RegParseError

    good: list[tuple[str, bytes]] = []
    for name in bundle.names("registry/"):
        if not name.lower().endswith(".reg"):
            continue
        data = bundle.files[name]
        try:
            Registry.from_files([(name, data)])
        except RegParseError as exc:
            problems[name] = str(exc)
            continue
        good.append((name, data))
    if not good:
        return None
    return Registry.from_files(good)
