"""Evidence: the frozen, parsed view of a bundle that checks read.

Building evidence never raises for a bad file inside the bundle: the file is left out and the
reason is kept in ``problems``, so the checks that needed it report ``unknown`` with that reason.
A bad file is a problem of that file only: the registry model is built from the good exports,
and every other file still counts.

Every file is parsed once, here, into a :class:`~onedrive_doctor.parsed.Parsed` value (value or
problem): ``dsregcmd``, ``nltest``, ``hotfixes``, ``cipher_suites``, ``ecc_curves``,
``os_version`` and the client profile built from them (``profile``); the OneDrive client is
derived once per evidence (``onedrive_client``). ``as_of`` is when the evidence was collected,
the only clock a check may read, so an old bundle is judged as of its collection.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .bundle import Bundle, BundleJsonError, load_json, not_collected
from .collect.plan import REGISTRY_KEYS
from .errors import InputError
from .parsed import Parsed, parse_once
from .parsers.reg_intake import intake_reg
from .parsers.text import decode_text, decode_text_as
from .probes.attempt import ProbeAttempt
from .registry.regfile import Registry

if TYPE_CHECKING:
    from .parsers.appx import AppxListing
    from .parsers.dsregcmd import DsregcmdStatus
    from .parsers.events import EventLog
    from .parsers.nltest import NltestResult
    from .parsers.onedrive_client import ClientInfo
    from .parsers.root_store import RootStore
    from .windows.client_model import ClientProfile
    from .windows.os_version import OsVersion

__all__ = [
    "LOG_FILES",
    "TEXT_FILES",
    "DeviceIdentity",
    "Evidence",
    "NetworkEvidence",
    "build_evidence",
]

# The plain-text command outputs of docs/spec/bundle.md, parsed by the checks that need them.
TEXT_FILES = ("dsregcmd.txt", "hotfixes.txt", "cipher-suites.txt", "ecc-curves.txt", "nltest.txt")
# Issue 13 (IDN006): the sign-in broker's package listing, read like the files above.
_BROKER_FILE = "appx-broker.txt"
_READ_TEXT_FILES = (*TEXT_FILES, _BROKER_FILE)
#: The event log exports and the root store listing (issue 13): parsed into their own fields
#: (``schannel_events``, ``aad_events``, ``root_store``), not kept whole in ``texts``.
LOG_FILES = ("events-schannel.xml", "events-aad.xml", "root-store.txt")


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


#: The bundle file stems of docs/spec/bundle.md's registry exports (collect/plan.py).
_PLANNED_STEMS = frozenset(stem for stem, _ in REGISTRY_KEYS)


@dataclass(frozen=True)
class DeviceIdentity:
    """Which PC the evidence is about: its name and Entra device ID, and where each came from."""

    name: str | None = None
    device_id: str | None = None
    name_source: str | None = None
    device_id_source: str | None = None

    def to_json(self) -> dict[str, str | None]:
        """The identity as the JSON report shows it."""
        return {
            "name": self.name,
            "device_id": self.device_id,
            "name_source": self.name_source,
            "device_id_source": self.device_id_source,
        }


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
    """Everything the checks know about one PC.

    ``texts`` keeps the decoded text files for the tools that want them whole; checks read the
    parsed fields. ``notes`` says what files show besides their values (a key reg.exe reported
    absent, a file read in another encoding); ``absent_keys`` are the keys reg.exe said do not
    exist on the PC.
    """

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
    dsregcmd: Parsed[DsregcmdStatus] = field(default_factory=Parsed)
    nltest: Parsed[NltestResult] = field(default_factory=Parsed)
    hotfixes: Parsed[frozenset[str]] = field(default_factory=Parsed)
    cipher_suites: Parsed[tuple[str, ...]] = field(default_factory=Parsed)
    ecc_curves: Parsed[tuple[str, ...]] = field(default_factory=Parsed)
    os_version: Parsed[OsVersion] = field(default_factory=Parsed)
    profile: Parsed[ClientProfile] = field(default_factory=Parsed)
    #: ``events-schannel.xml``: the System log's Schannel events (EVT001).
    schannel_events: Parsed[EventLog] = field(default_factory=Parsed)
    #: ``events-aad.xml``: the Microsoft-Windows-AAD/Operational events (EVT002).
    aad_events: Parsed[EventLog] = field(default_factory=Parsed)
    #: ``root-store.txt``: the trusted roots (CRT001).
    root_store: Parsed[RootStore] = field(default_factory=Parsed)
    as_of: dt.datetime = field(default_factory=_now)
    as_of_source: str = "now"
    identity: DeviceIdentity = field(default_factory=DeviceIdentity)
    notes: Mapping[str, str] = field(default_factory=_empty)
    absent_keys: frozenset[str] = frozenset()
    #: Issue 13: ``Get-AppxPackage Microsoft.AAD.BrokerPlugin`` (appx-broker.txt, IDN006).
    appx_broker: Parsed[AppxListing] = field(default_factory=Parsed)

    @property
    def host_os(self) -> str | None:
        """The OS the bundle was collected on (``Windows``, ``Linux``, ``Darwin``), if known."""
        host = (self.manifest or {}).get("host")
        value = host.get("os") if isinstance(host, dict) else None
        return value if isinstance(value, str) else None

    @property
    def today(self) -> dt.date:
        """The day the evidence was collected: what "today" means to every check."""
        return self.as_of.date()

    def problem(self, prefix: str) -> str | None:
        """The first recorded problem for files starting with ``prefix``, as one line."""
        for name, reason in sorted(self.problems.items()):
            if name.startswith(prefix):
                return reason
        return None

    def registry_problem(self, *stems: str) -> str | None:
        """The problem of an unreadable export a check reading ``registry/<stem>.reg`` depends on.

        Without ``stems`` every unreadable export counts. A file the collector does not write
        (not in docs/spec/bundle.md) may hold any key, so its problem always counts.
        """
        if not stems:
            return self.problem("registry/")
        wanted = {stem.casefold() for stem in stems}
        for name, reason in sorted(self.problems.items()):
            if not name.startswith("registry/"):
                continue
            stem = name.removeprefix("registry/").removesuffix(".reg").casefold()
            if stem in wanted or stem not in _PLANNED_STEMS:
                return reason
        return None

    def key_absent(self, key: str) -> bool:
        """Whether reg.exe said ``key`` (short root spelling, any case) does not exist."""
        return key.casefold() in {k.casefold() for k in self.absent_keys}

    @functools.cached_property
    def onedrive_client(self) -> tuple[ClientInfo, str | None]:
        """The OneDrive client from the registry and onedrive.json, derived once.

        The second item says why onedrive.json could not be used (the client then comes from
        the registry alone), or is ``None``.
        """
        from .parsers.onedrive_client import OneDriveJsonError, find_client

        problem = self.problem("onedrive.json")
        try:
            return find_client(self.registry, self.onedrive), problem
        except OneDriveJsonError as exc:
            return find_client(self.registry, None), str(exc)


def build_evidence(bundle: Bundle) -> Evidence:
    """Parse every file of ``bundle`` that a check uses, each once."""
    problems: dict[str, str] = {}
    notes: dict[str, str] = {}
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
    registry, absent = _load_registry(bundle, problems, notes)
    onedrive = _load_json(bundle, "onedrive.json", problems)
    replays = _load_replays(bundle, problems)
    texts: dict[str, str] = {}
    for name in _READ_TEXT_FILES:
        data = bundle.get(name)
        if data is None:
            continue
        try:
            texts[name] = decode_text(data, name)
        except InputError as exc:
            problems[name] = str(exc)
    logs = _parse_logs(bundle, problems)
    unavailable = _load_unavailable(bundle, texts, problems)
    parsed = _parse_texts(texts, problems)
    broker = _parse_broker(texts, problems)
    version, profile = _profile(registry, parsed)
    manifest_view = MappingProxyType(manifest) if isinstance(manifest, dict) else None
    as_of, as_of_source = _as_of(manifest_view, bundle)
    dsregcmd = parsed["dsregcmd"]
    return Evidence(
        unavailable=MappingProxyType(unavailable),
        files=frozenset(bundle.files),
        manifest=manifest_view,
        network=network,
        registry=registry,
        texts=MappingProxyType(texts),
        onedrive=MappingProxyType(onedrive) if isinstance(onedrive, dict) else None,
        replays=replays,
        problems=MappingProxyType(problems),
        dsregcmd=dsregcmd,
        nltest=parsed["nltest"],
        hotfixes=parsed["hotfixes"],
        cipher_suites=parsed["cipher_suites"],
        ecc_curves=parsed["ecc_curves"],
        os_version=version,
        profile=profile,
        schannel_events=logs["events-schannel.xml"],
        aad_events=logs["events-aad.xml"],
        root_store=logs["root-store.txt"],
        as_of=as_of,
        as_of_source=as_of_source,
        identity=_identity(manifest_view, registry, dsregcmd.value),
        notes=MappingProxyType(notes),
        absent_keys=frozenset(absent),
        appx_broker=broker,
    )


def _parse_broker(texts: Mapping[str, str], problems: dict[str, str]) -> Parsed[AppxListing]:
    """appx-broker.txt through its parser, once (issue 13, IDN006)."""
    from .parsers.appx import parse_appx

    if _BROKER_FILE in problems:
        return Parsed.failed(problems[_BROKER_FILE])
    result = parse_once(texts.get(_BROKER_FILE), parse_appx)
    if result.problem is not None:
        problems[_BROKER_FILE] = result.problem
    return result


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
        if len(words) < 2:
            continue
        name = words[-1]
        if (name in _READ_TEXT_FILES and name not in texts) or (
            name in LOG_FILES and name not in bundle.files
        ):
            found[name] = " ".join(words[:-1])
    return found


def _parse_logs(bundle: Bundle, problems: dict[str, str]) -> dict[str, Parsed[Any]]:
    """The event log exports and the root store listing, each decoded and parsed once."""
    from .parsers.events import parse_events
    from .parsers.root_store import parse_root_store

    parsers: dict[str, Any] = {
        "events-schannel.xml": parse_events,
        "events-aad.xml": parse_events,
        "root-store.txt": parse_root_store,
    }
    parsed: dict[str, Parsed[Any]] = {}
    for name, parser in parsers.items():
        data = bundle.get(name)
        if data is None:
            # A file the collector tried and could not get keeps its manifest reason.
            parsed[name] = Parsed.failed(problems[name]) if name in problems else Parsed()
            continue
        try:
            # The code page as found (cp850 from cmd.exe, ...): certutil's localized labels.
            text, _ = decode_text_as(data, name)
            parsed[name] = Parsed.of(parser(text, name))
        except InputError as exc:
            problems[name] = str(exc)
            parsed[name] = Parsed.failed(str(exc))
    return parsed


def _parse_texts(texts: Mapping[str, str], problems: dict[str, str]) -> dict[str, Parsed[Any]]:
    """Each text file through its parser, once; a parse failure is that file's problem."""
    from .parsers.dsregcmd import parse_dsregcmd
    from .parsers.hotfixes import parse_hotfixes
    from .parsers.nltest import parse_nltest
    from .parsers.tls_cmdlets import parse_cipher_suites, parse_ecc_curves

    def suites(text: str) -> tuple[str, ...]:
        return parse_cipher_suites(text).suites

    def curves(text: str) -> tuple[str, ...]:
        return parse_ecc_curves(text).curves

    parsers: dict[str, tuple[str, Any]] = {
        "dsregcmd": ("dsregcmd.txt", parse_dsregcmd),
        "nltest": ("nltest.txt", parse_nltest),
        "hotfixes": ("hotfixes.txt", parse_hotfixes),
        "cipher_suites": ("cipher-suites.txt", suites),
        "ecc_curves": ("ecc-curves.txt", curves),
    }
    parsed: dict[str, Parsed[Any]] = {}
    for field_name, (name, parser) in parsers.items():
        if name in problems:
            parsed[field_name] = Parsed.failed(problems[name])
            continue
        result = parse_once(texts.get(name), parser)
        if result.problem is not None:
            problems[name] = result.problem
        parsed[field_name] = result
    return parsed


def _profile(
    registry: Registry | None, parsed: Mapping[str, Parsed[Any]]
) -> tuple[Parsed[OsVersion], Parsed[ClientProfile]]:
    """The Windows version and the effective TLS client, built once from the good files.

    An unreadable text file is left out of the profile (the checks that read it say
    ``unknown``), so a broken hotfix list does not blind SCH001.
    """
    from .windows.client_model import build_profile
    from .windows.os_version import os_version

    if registry is None:
        return Parsed(), Parsed()
    try:
        version = os_version(registry)
    except InputError as exc:
        return Parsed.failed(str(exc)), Parsed.failed(str(exc))
    if version is None:
        return Parsed(), Parsed()
    try:
        profile = build_profile(
            version,
            registry,
            parsed["cipher_suites"].value,
            parsed["ecc_curves"].value,
            parsed["hotfixes"].value,
        )
    except InputError as exc:
        return Parsed.of(version), Parsed.failed(str(exc))
    return Parsed.of(version), Parsed.of(profile)


def _as_of(manifest: Mapping[str, Any] | None, bundle: Bundle) -> tuple[dt.datetime, str]:
    """When the evidence was collected: the manifest, else the files' own dates, else now."""
    created = (manifest or {}).get("created")
    if isinstance(created, str):
        try:
            when = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.timezone.utc)
            return when, "manifest.json created"
    if bundle.modified is not None:
        return bundle.modified, "the newest date of the bundle's files"
    return _now(), "now (the bundle says nothing about when it was collected)"


# The computer name as Windows keeps it (ComputerName registry key,
# https://learn.microsoft.com/windows/win32/sysinfo/computer-names); `collect` does not export it
# today, but a bundle that carries it names the PC with it.
_COMPUTER_NAME_KEY = r"HKLM\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName"


def _identity(
    manifest: Mapping[str, Any] | None, registry: Registry | None, dsreg: DsregcmdStatus | None
) -> DeviceIdentity:
    """The PC's name and device ID: manifest first, then the registry, then dsregcmd /status."""
    names: list[tuple[str | None, str]] = []
    ids: list[tuple[str | None, str]] = []
    device = (manifest or {}).get("device")
    host = (manifest or {}).get("host")
    for where, block in (("manifest.json device", device), ("manifest.json host", host)):
        if isinstance(block, dict):
            name = block.get("name") or block.get("hostname")
            names.append((name if isinstance(name, str) else None, where))
            device_id = block.get("device_id") or block.get("id")
            ids.append((device_id if isinstance(device_id, str) else None, where))
    if registry is not None:
        value = registry.value(_COMPUTER_NAME_KEY, "ComputerName")
        data = value.data if value is not None else None
        names.append((data if isinstance(data, str) else None, rf"{_COMPUTER_NAME_KEY}"))
    if dsreg is not None:
        names.append((dsreg.value("Device Name") or dsreg.value("DeviceName"), "dsregcmd.txt"))
        ids.append((dsreg.value("DeviceId"), "dsregcmd.txt"))
    name, name_source = next(((n, w) for n, w in names if n), (None, None))
    device_id, id_source = next(((i, w) for i, w in ids if i), (None, None))
    return DeviceIdentity(name, device_id, name_source, id_source)


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


def _load_registry(
    bundle: Bundle, problems: dict[str, str], notes: dict[str, str]
) -> tuple[Registry | None, list[str]]:
    """The registry model of every good export; a bad file is a problem of that file only."""
    from .registry.regfile import RegParseError

    good: list[tuple[str, bytes]] = []
    absent: list[str] = []
    for name in bundle.names("registry/"):
        if not name.lower().endswith(".reg"):
            continue
        intake = intake_reg(name, bundle.files[name])
        if intake.note is not None:
            notes[name] = intake.note
        if intake.absent_key is not None:
            absent.append(intake.absent_key)
        if intake.data is None:
            continue
        try:
            Registry.from_files([(name, intake.data)])
        except RegParseError as exc:
            problems[name] = str(exc)
            continue
        good.append((name, intake.data))
    if not good:
        return None, absent
    return Registry.from_files(good), absent
