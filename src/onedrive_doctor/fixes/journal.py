r"""The fix journal, format v1: what ``fix --apply`` changed, so ``undo`` can put it back.

One UTF-8 JSON file (no BOM) shared by the Python engine and the generated ``.ps1`` scripts::

    {"journal_version": 1, "tool": {"name": "onedrive-doctor", "version": "0.1.0"},
     "created": "2026-12-01T23:40:00Z",
     "target": {"kind": "live", "computer": ..., "machine_guid": ...}
            or {"kind": "bundle", "computer": ..., "device_id": ..., "bundle": "/abs/path"},
     "state": "applying" | "applied" | "rolled-back" | "undone",
     "entries": [...], "checksum": "sha256:<64 hex>"}

A registry entry records the value re-read just before the change (``before``) and the one
written (``after``); a delete-key entry also its whole tree (``before_tree``); a run-command
entry its command, shell, undo command and output. Each time an entry's status changes the
whole file is written again, into a temporary sibling renamed over it, with the checksum
updated: an entry is on disk as "pending" *before* its change is made.

The checksum is ``sha256`` over the journal without its ``checksum`` key, dumped with sorted
keys, no spaces and ASCII escapes: a reader recomputes it and refuses a journal whose checksum
differs (it was edited). Reading is strict: every key and type is checked, an unknown key or
state is refused, and the file is bounded in size, since a journal may come from anywhere.

A bundle target may carry ``files`` (an extension of the target object, which only the Python
engine writes): each ``.reg`` file the engine rewrote, with the sha256 of its bytes before and
after and the name of the copy of the original kept beside the journal, so undo can give the
bundle back byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import write_whole
from ..errors import InputError
from ..registry.regfile import RegData, RegType, RegValue

__all__ = [
    "JOURNAL_VERSION",
    "MAX_JOURNAL_BYTES",
    "Journal",
    "JournalError",
    "decode_value",
    "encode_value",
    "journal_checksum",
    "read_journal",
    "type_from_name",
    "type_name",
    "write_journal",
]

JOURNAL_VERSION = 1
#: A journal of a few dozen entries is a few kB; anything this big is not one of ours.
MAX_JOURNAL_BYTES = 8 * 1024 * 1024

_TOP_KEYS = ("journal_version", "tool", "created", "target", "state", "entries", "checksum")
_STATES = ("applying", "applied", "rolled-back", "undone")
_STATUSES = ("pending", "applied", "rolled-back", "undone")
_REGISTRY_KINDS = ("set-value", "delete-value", "delete-key")
_TYPE_NAMES = {
    RegType.SZ: "REG_SZ",
    RegType.EXPAND_SZ: "REG_EXPAND_SZ",
    RegType.BINARY: "REG_BINARY",
    RegType.DWORD: "REG_DWORD",
    RegType.MULTI_SZ: "REG_MULTI_SZ",
    RegType.QWORD: "REG_QWORD",
}
_TYPES_BY_NAME = {name: int(type_) for type_, name in _TYPE_NAMES.items()}
_NAMES_BY_NUMBER = {int(type_): name for type_, name in _TYPE_NAMES.items()}


class JournalError(InputError):
    """A journal cannot be used: unreadable, malformed, edited, or for another PC or bundle."""


# --- values ------------------------------------------------------------------------------------


def type_name(type_: int) -> str:
    """``REG_DWORD`` for the six types a fix writes, ``REG_TYPE_<n>`` for any other."""
    return _NAMES_BY_NUMBER.get(type_, f"REG_TYPE_{type_}")


def type_from_name(name: str) -> int:
    """The type number of a journal type name; ``ValueError`` for anything else."""
    if name in _TYPES_BY_NAME:
        return _TYPES_BY_NAME[name]
    if name.startswith("REG_TYPE_") and name[9:].isdigit() and len(name) <= 20:
        return int(name[9:])
    raise ValueError(f"unknown registry type {name!r}")


def encode_value(value: RegValue | None) -> dict[str, Any]:
    """``{"state": "absent"}`` or ``{"state": "present", "type": ..., "data": ...}``.

    Data by type: REG_DWORD / REG_QWORD an int; REG_SZ / REG_EXPAND_SZ a string; REG_MULTI_SZ
    a list of strings; REG_BINARY and every other type lowercase hex without separators. A
    DWORD whose stored length was wrong (bytes, as regedit exports it) is written as hex too.
    """
    if value is None:
        return {"state": "absent"}
    return {"state": "present", "type": type_name(value.type), "data": _data_json(value.data)}


def _data_json(data: RegData) -> Any:
    if isinstance(data, bytes):
        return data.hex()
    if isinstance(data, tuple):
        return list(data)
    return data


def decode_value(state: Mapping[str, Any], where: str) -> tuple[int, RegData] | None:
    """``(type, data)`` of a journal value, ``None`` for absent; ``JournalError`` if malformed."""
    if state.get("state") == "absent" and set(state) == {"state"}:
        return None
    if state.get("state") != "present" or set(state) != {"state", "type", "data"}:
        raise JournalError(f"{where}: not an absent or present value", "journal")
    try:
        type_ = type_from_name(_str(state["type"], where))
    except ValueError as exc:
        raise JournalError(f"{where}: {exc}", "journal") from None
    raw = state["data"]
    if type_ in (RegType.DWORD, RegType.QWORD) and _is_int(raw):
        bits = 32 if type_ == RegType.DWORD else 64
        if not 0 <= raw < 1 << bits:
            raise JournalError(f"{where}: {raw} does not fit {type_name(type_)}", "journal")
        return type_, int(raw)
    if type_ in (RegType.SZ, RegType.EXPAND_SZ) and isinstance(raw, str):
        return type_, raw
    if type_ == RegType.MULTI_SZ and isinstance(raw, list):
        if not all(isinstance(item, str) for item in raw):
            raise JournalError(f"{where}: REG_MULTI_SZ data must be strings", "journal")
        return type_, tuple(raw)
    if isinstance(raw, str) and type_ not in (RegType.SZ, RegType.EXPAND_SZ, RegType.MULTI_SZ):
        try:
            if raw != raw.lower():
                raise ValueError
            return type_, bytes.fromhex(raw)
        except ValueError:
            raise JournalError(f"{where}: data is not lowercase hex", "journal") from None
    raise JournalError(f"{where}: data {raw!r} does not fit {type_name(type_)}", "journal")


def _is_int(raw: Any) -> bool:
    return isinstance(raw, int) and not isinstance(raw, bool)


def _str(raw: Any, where: str) -> str:
    if not isinstance(raw, str):
        raise JournalError(f"{where}: expected a string, got {type(raw).__name__}", "journal")
    return raw


# --- the journal -------------------------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Journal:
    """A journal in memory: the target, its state and its entries, in the order applied.

    Entries are the JSON objects of the format (the engine fills them); :meth:`to_json` adds
    the checksum.
    """

    target: dict[str, Any]
    state: str = "applying"
    entries: list[dict[str, Any]] = field(default_factory=list)
    created: str = field(default_factory=_now)
    tool: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.tool:
            from .._version import __version__

            self.tool = {"name": "onedrive-doctor", "version": __version__}

    def body(self) -> dict[str, Any]:
        """The journal without its checksum (what the checksum covers)."""
        return {
            "journal_version": JOURNAL_VERSION,
            "tool": dict(self.tool),
            "created": self.created,
            "target": self.target,
            "state": self.state,
            "entries": self.entries,
        }

    def to_json(self) -> dict[str, Any]:
        """The whole journal, checksum last."""
        body = self.body()
        return {**body, "checksum": journal_checksum(body)}

    @property
    def kind(self) -> str:
        """``live`` or ``bundle``."""
        return str(self.target["kind"])


def journal_checksum(body: Mapping[str, Any]) -> str:
    """``sha256:<hex>`` of the canonical form of ``body`` (the journal without ``checksum``)."""
    canonical = json.dumps(
        {k: v for k, v in body.items() if k != "checksum"},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    ).encode("ascii")
    return "sha256:" + hashlib.sha256(canonical).hexdigest()


def write_journal(path: Path, journal: Journal) -> None:
    """Write ``journal`` whole: a temporary sibling, flushed to disk, renamed over ``path``.

    Power lost mid-write leaves the previous journal (or none), never half of one.
    """
    data = (json.dumps(journal.to_json(), indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_whole(path, data, durable=True)


def read_journal(path: str | Path) -> Journal:
    """Read and validate a journal; ``JournalError`` (exit 3) when it cannot be trusted."""
    where = str(path)
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_JOURNAL_BYTES + 1)
    except OSError as exc:
        raise JournalError(f"cannot read the journal: {exc.strerror or exc}", where) from None
    if len(data) > MAX_JOURNAL_BYTES:
        raise JournalError("not a fix journal: the file is too large", where)
    if data.startswith(b"\xef\xbb\xbf"):
        raise JournalError("not a fix journal: it starts with a BOM (UTF-8 without BOM)", where)
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise JournalError(f"not a fix journal: not UTF-8 JSON ({exc})", where) from None
    return journal_from_json(doc, where)


def journal_from_json(doc: Any, where: str = "journal") -> Journal:
    """A journal from its parsed JSON, validated key by key, checksum checked."""
    if not isinstance(doc, dict) or sorted(doc) != sorted(_TOP_KEYS):
        raise JournalError(
            "not a fix journal: the top-level keys must be exactly " + ", ".join(_TOP_KEYS), where
        )
    if doc["journal_version"] != JOURNAL_VERSION or not _is_int(doc["journal_version"]):
        raise JournalError(
            f"journal_version {doc['journal_version']!r} is not {JOURNAL_VERSION}", where
        )
    checksum = doc["checksum"]
    if not isinstance(checksum, str) or checksum != journal_checksum(doc):
        raise JournalError(
            "the journal was edited: its checksum does not match its content; undo refuses it",
            where,
        )
    tool = doc["tool"]
    if not (
        isinstance(tool, dict)
        and sorted(tool) == ["name", "version"]
        and all(isinstance(v, str) for v in tool.values())
    ):
        raise JournalError("'tool' must be {name, version}", where)
    created = _str(doc["created"], "created")
    try:
        dt.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise JournalError(
            f"'created' is not a UTC time like 2026-12-01T23:40:00Z: {created!r}", where
        ) from None
    if doc["state"] not in _STATES:
        raise JournalError(f"unknown journal state {doc['state']!r}", where)
    target = _target(doc["target"], where)
    entries = doc["entries"]
    if not isinstance(entries, list):
        raise JournalError("'entries' must be a list", where)
    for index, entry in enumerate(entries):
        _check_entry(entry, index, where)
    return Journal(target, doc["state"], entries, created, dict(tool))


def _target(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise JournalError("'target' must be an object", where)
    kind = raw.get("kind")
    if kind == "live":
        if sorted(raw) != ["computer", "kind", "machine_guid"]:
            raise JournalError("a live target has exactly kind, computer, machine_guid", where)
        for key in ("computer", "machine_guid"):
            if raw[key] is not None and not isinstance(raw[key], str):
                raise JournalError(f"target {key} must be a string or null", where)
        return raw
    if kind == "bundle":
        keys = set(raw) - {"files"}
        if keys != {"kind", "computer", "device_id", "bundle"}:
            raise JournalError(
                "a bundle target has kind, computer, device_id, bundle (and files)", where
            )
        for key in ("computer", "device_id"):
            if raw[key] is not None and not isinstance(raw[key], str):
                raise JournalError(f"target {key} must be a string or null", where)
        _str(raw["bundle"], "target bundle")
        if "files" in raw:
            _check_files(raw["files"], where)
        return raw
    raise JournalError(f"unknown target kind {kind!r}", where)


def _check_files(files: Any, where: str) -> None:
    if not isinstance(files, list):
        raise JournalError("target files must be a list", where)
    for item in files:
        if not isinstance(item, dict) or sorted(item) != ["after", "backup", "before", "path"]:
            raise JournalError("a target file has exactly path, before, after, backup", where)
        path = _str(item["path"], "target file path")
        if not path.startswith("registry/") or "/" in path[9:] or "\\" in path or ".." in path:
            raise JournalError(f"target file {path!r} is not a registry/*.reg file", where)
        for key in ("before", "after", "backup"):
            if item[key] is not None and not isinstance(item[key], str):
                raise JournalError(f"target file {key} must be a string or null", where)
        backup = item["backup"]
        if backup is not None and ("/" in backup or "\\" in backup or backup.startswith(".")):
            raise JournalError(f"target file backup {backup!r} is not a plain name", where)


def _check_entry(entry: Any, index: int, where: str) -> None:
    label = f"entry {index}"
    if not isinstance(entry, dict):
        raise JournalError(f"{label} is not an object", where)
    if entry.get("index") != index or not _is_int(entry.get("index")):
        raise JournalError(f"{label}: 'index' must be {index}", where)
    _str(entry.get("check"), f"{label} check")
    if entry.get("status") not in _STATUSES:
        raise JournalError(f"{label}: unknown status {entry.get('status')!r}", where)
    kind = entry.get("kind")
    if kind == "run-command":
        expected = {"index", "check", "kind", "command", "shell", "undo", "status", "output"}
        if set(entry) != expected:
            raise JournalError(
                f"{label}: a run-command entry has exactly " + ", ".join(sorted(expected)), where
            )
        _str(entry["command"], f"{label} command")
        if entry["shell"] not in ("cmd", "powershell", "sh"):
            raise JournalError(f"{label}: unknown shell {entry['shell']!r}", where)
        for key in ("undo", "output"):
            if entry[key] is not None and not isinstance(entry[key], str):
                raise JournalError(f"{label}: {key} must be a string or null", where)
        return
    if kind not in _REGISTRY_KINDS:
        raise JournalError(f"{label}: unknown kind {kind!r}", where)
    expected = {"index", "check", "kind", "key", "name", "before", "after", "status"}
    if kind == "delete-key":
        expected.add("before_tree")
    if set(entry) != expected:
        raise JournalError(
            f"{label}: a {kind} entry has exactly " + ", ".join(sorted(expected)), where
        )
    key = _str(entry["key"], f"{label} key")
    if not key.upper().startswith(("HKLM\\", "HKCU\\")):
        raise JournalError(f"{label}: key {key!r} is not under HKLM or HKCU", where)
    if kind == "delete-key":
        if entry["name"] is not None:
            raise JournalError(f"{label}: a delete-key entry has name null", where)
        _check_tree(entry["before_tree"], key, label, where)
    else:
        _str(entry["name"], f"{label} name")
    for side in ("before", "after"):
        if not isinstance(entry[side], dict):
            raise JournalError(f"{label}: {side} must be an object", where)
        decode_value(entry[side], f"{where}: {label} {side}")


def _check_tree(tree: Any, key: str, label: str, where: str) -> None:
    if not isinstance(tree, list):
        raise JournalError(f"{label}: before_tree must be a list", where)
    root = key.upper()
    for item in tree:
        if not isinstance(item, dict) or sorted(item) != ["data", "key", "name", "type"]:
            raise JournalError(f"{label}: a before_tree item has key, name, type, data", where)
        full = _str(item["key"], f"{label} before_tree key").upper()
        if full != root and not full.startswith(root + "\\"):
            raise JournalError(f"{label}: before_tree key {item['key']!r} is outside {key}", where)
        if item["name"] is None:
            if item["type"] is not None or item["data"] is not None:
                raise JournalError(
                    f"{label}: a key-only before_tree item has no type or data", where
                )
            continue
        _str(item["name"], f"{label} before_tree name")
        decode_value(
            {"state": "present", "type": item["type"], "data": item["data"]},
            f"{where}: {label} before_tree",
        )
