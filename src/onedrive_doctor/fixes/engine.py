r"""Apply a plan through a registry backend, journaled; roll back on failure; undo a journal.

One engine for every target: the live registry (``WinRegBackend``) and a bundle's ``.reg``
files (``BundleBackend``), so what ``fix --apply --bundle`` does offline is what runs live.

:func:`apply`, per step the plan lets it take (``safe``; with ``include_confirm`` also
``needs-confirmation``; never ``manual``):

1. re-reads the value it will touch (a value already as planned is left alone);
2. writes the journal entry "pending" to disk, *before* the change;
3. makes the change and marks the entry "applied".

If a step fails, the steps already made are restored in reverse order (entries
"rolled-back") and :class:`FixFailed` says which step failed. Commands run through an
injectable runner; against a bundle they are not run but listed as running on the PC.

A bundle's files are rewritten whole by the backend, so the engine first keeps a copy of every
``registry/*.reg`` file beside the journal, with the sha256 of its bytes: a rollback, and an
undo of a bundle nobody changed since, put the original bytes back exactly.

:func:`undo` restores what a journal recorded (reverse order), after :func:`target_problem`
said the journal belongs to this PC or bundle; ``read_journal`` already refused an edited one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from ..errors import DoctorError
from ..registry._backend import NEW_FILE, BundleBackend, RegistryBackend
from ..registry.regfile import RegValue
from .changes import DeleteKey, DeleteValue, ManualStep, RunCommand, SetValue, Shell
from .journal import Journal, decode_value, encode_value, write_journal
from .plan import Plan, PlanStep

__all__ = [
    "MACHINE_GUID_KEY",
    "ApplyResult",
    "CommandRunner",
    "FixFailed",
    "UndoResult",
    "apply",
    "backup_folder",
    "bundle_target",
    "live_target",
    "run_command",
    "target_problem",
    "undo",
]

#: Where Windows keeps the PC's own identifier (a live journal names its PC by it).
MACHINE_GUID_KEY = r"HKLM\SOFTWARE\Microsoft\Cryptography"
#: A command that has not finished after this long is stopped and counts as failed.
COMMAND_TIMEOUT = 300.0

#: ``runner(command, shell) -> (exit code, output)``: how the engine runs a command.
CommandRunner = Callable[[str, Shell], tuple[int, str]]


class FixFailed(DoctorError):
    """A step failed (exit 4); ``rolled_back`` says whether everything done was put back."""

    def __init__(
        self, number: int, step: PlanStep | None, reason: str, *, rolled_back: bool, left: str = ""
    ) -> None:
        self.number = number
        self.step = step
        self.reason = reason
        self.rolled_back = rolled_back
        self.left = left
        super().__init__(str(self))

    def __str__(self) -> str:
        what = "" if self.step is None else f" ({self.step.check_id}: {_describe(self.step)})"
        if self.rolled_back:
            outcome = "everything was rolled back, nothing was left changed"
        else:
            outcome = f"the rollback did not finish: {self.left}"
        return f"step {self.number}{what} failed: {self.reason}; {outcome}"


@dataclass
class ApplyResult:
    """What :func:`apply` did, step by step; ``journal_path`` is ``None`` when nothing changed."""

    journal_path: Path | None
    applied: list[PlanStep] = field(default_factory=list)
    unchanged: list[PlanStep] = field(default_factory=list)
    on_pc: list[PlanStep] = field(default_factory=list)
    not_applied: list[tuple[PlanStep, str]] = field(default_factory=list)


@dataclass
class UndoResult:
    """What :func:`undo` restored: entries, and whether the bundle's bytes came back whole."""

    restored: int = 0
    byte_for_byte: bool = False
    skipped: list[str] = field(default_factory=list)


# --- targets -----------------------------------------------------------------------------------


def live_target(backend: RegistryBackend) -> dict[str, Any]:
    """The PC this runs on: its ``COMPUTERNAME`` and ``MachineGuid`` (``MACHINE_GUID_KEY``)."""
    guid = backend.read_value(MACHINE_GUID_KEY, "MachineGuid")
    return {
        "kind": "live",
        "computer": os.environ.get("COMPUTERNAME"),
        "machine_guid": guid.data if guid is not None and isinstance(guid.data, str) else None,
    }


def bundle_target(folder: Path, computer: str | None, device_id: str | None) -> dict[str, Any]:
    """A bundle folder and the identity its evidence shows (device name, Entra device ID)."""
    return {
        "kind": "bundle",
        "computer": computer,
        "device_id": device_id,
        "bundle": str(folder.resolve()),
    }


def target_problem(journal: Journal, actual: dict[str, Any]) -> str | None:
    """Why ``journal`` is not for ``actual`` (another PC or bundle), or ``None`` when it is."""
    recorded = journal.target
    if recorded["kind"] != actual["kind"]:
        return f"the journal is for a {recorded['kind']} target, not a {actual['kind']} one"
    if recorded["kind"] == "live":
        for key, label in (("computer", "PC"), ("machine_guid", "MachineGuid")):
            if recorded[key] != actual[key]:
                return (
                    f"the journal belongs to another PC ({label} {recorded[key]!r}, this is "
                    f"{actual[key]!r})"
                )
        return None
    for key, label in (("computer", "device name"), ("device_id", "device ID")):
        if recorded[key] != actual[key]:
            return (
                f"the journal belongs to another bundle ({label} {recorded[key]!r}, this "
                f"bundle has {actual[key]!r})"
            )
    anonymous = recorded["computer"] is None and recorded["device_id"] is None
    if anonymous and recorded["bundle"] != actual["bundle"]:
        # No identity to compare: only the very folder the journal names will do.
        return (
            f"the journal belongs to another bundle ({recorded['bundle']}), and neither "
            "bundle names its PC"
        )
    return None


def backup_folder(journal_path: Path) -> Path:
    """Where a bundle's original ``.reg`` files are kept: ``<journal>.files`` beside it."""
    return journal_path.with_name(journal_path.name.removesuffix(".json") + ".files")


# --- commands ----------------------------------------------------------------------------------


def run_command(command: str, shell: Shell) -> tuple[int, str]:
    """Run ``command`` on this PC (cmd.exe or Windows PowerShell), with a time limit."""
    if shell is Shell.POWERSHELL:
        argv = ["powershell.exe", "-NoProfile", "-NonInteractive", "-Command", command]
    elif shell is Shell.CMD:
        argv = ["cmd.exe", "/d", "/c", command]
    else:
        argv = ["/bin/sh", "-c", command]
    try:
        done = subprocess.run(  # the plan's own commands, never a bundle's text
            argv,
            capture_output=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return 1, f"stopped after {COMMAND_TIMEOUT:.0f} s"
    except OSError as exc:
        return 1, f"could not start {argv[0]}: {exc.strerror or exc}"
    output = (done.stdout + done.stderr).decode(sys.getfilesystemencoding(), "replace")
    return done.returncode, output[-4000:]


# --- apply -------------------------------------------------------------------------------------


def _describe(step: PlanStep) -> str:
    change = step.change
    if isinstance(change, SetValue):
        return f"set {change.name} at {change.full_key}"
    if isinstance(change, DeleteValue):
        return f"delete {change.name} at {change.full_key}"
    if isinstance(change, DeleteKey):
        return f"delete the key {change.full_key}"
    if isinstance(change, RunCommand):
        return f"run {change.command}"
    return change.text


def _sha(path: Path) -> str | None:
    try:
        return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def _same(value: RegValue | None, type_: int, data: object) -> bool:
    return value is not None and value.type == type_ and value.data == data


class _Files:
    """The copies of a bundle's ``.reg`` files, kept beside the journal before any change."""

    def __init__(self, backend: BundleBackend, journal: Journal, folder: Path) -> None:
        self.root = backend.folder
        self.folder = folder
        self.items: list[dict[str, Any]] = []
        self.journal = journal

    def keep(self) -> None:
        registry = self.root / "registry"
        paths = sorted(registry.iterdir(), key=lambda p: p.name) if registry.is_dir() else []
        self.folder.mkdir(parents=True, exist_ok=True)
        names = [f"registry/{p.name}" for p in paths if p.suffix.lower() == ".reg" and p.is_file()]
        if NEW_FILE not in names:
            names.append(NEW_FILE)
        for name in names:
            path = self.root / name
            if path.is_symlink():
                continue
            sha = _sha(path)
            backup = None
            if sha is not None:
                backup = name.removeprefix("registry/")
                shutil.copy2(path, self.folder / backup)
            self.items.append({"path": name, "before": sha, "after": sha, "backup": backup})
        self.journal.target["files"] = self.items

    def update(self) -> None:
        for item in self.items:
            item["after"] = _sha(self.root / item["path"])

    def prune(self) -> None:
        """Forget (and remove the copies of) the files no change touched."""
        kept = []
        for item in self.items:
            if item["before"] == item["after"]:
                if item["backup"] is not None:
                    (self.folder / item["backup"]).unlink(missing_ok=True)
                continue
            kept.append(item)
        self.items[:] = kept
        if not kept:
            shutil.rmtree(self.folder, ignore_errors=True)

    def restore(self) -> None:
        """Put every changed file back byte for byte (a file the apply created is removed)."""
        restore_files(self.root, self.folder, self.items)


def restore_files(root: Path, folder: Path, items: list[dict[str, Any]]) -> None:
    """Give each file of ``items`` its original bytes (from ``folder``), via temp + rename."""
    for item in items:
        path = root / item["path"]
        if _sha(path) == item["before"]:
            continue
        if item["before"] is None:
            path.unlink(missing_ok=True)
            continue
        handle, scratch = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(handle)
        try:
            shutil.copy2(folder / item["backup"], scratch)
            os.replace(scratch, path)
        except BaseException:
            Path(scratch).unlink(missing_ok=True)
            raise


def apply(
    plan: Plan,
    backend: RegistryBackend,
    journal_path: Path,
    *,
    include_confirm: bool,
    runner: CommandRunner | None = None,
    target: dict[str, Any] | None = None,
) -> ApplyResult:
    """Apply the steps of ``plan`` this run may take; raise :class:`FixFailed` on a failure.

    ``target`` is the journal's target (default: this PC for a live backend, the folder for a
    bundle). Commands run through ``runner`` (default :func:`run_command`); against a bundle
    they are listed in ``on_pc``, not run.
    """
    bundle = isinstance(backend, BundleBackend)
    result = ApplyResult(None)
    todo: list[tuple[int, PlanStep]] = []
    for number, step in enumerate(plan.steps, 1):
        if isinstance(step.change, ManualStep):
            result.not_applied.append((step, "a manual step: a person takes it"))
        elif not step.applies(include_confirm):
            why = (
                "a manual step: a person takes it"
                if step.safety.value == "manual"
                else "needs confirmation: run with --yes to apply it"
            )
            result.not_applied.append((step, why))
        elif bundle and isinstance(step.change, RunCommand):
            result.on_pc.append(step)
        elif isinstance(step.change, DeleteKey) and not hasattr(backend, "tree"):
            raise FixFailed(
                number,
                step,
                "this registry backend cannot record a key's tree before deleting it",
                rolled_back=True,
            )
        else:
            todo.append((number, step))
    if not todo:
        return result
    if target is None:
        if isinstance(backend, BundleBackend):
            target = bundle_target(backend.folder, None, None)
        else:
            target = live_target(backend)
    journal = Journal(dict(target))
    files = (
        _Files(backend, journal, backup_folder(journal_path))
        if isinstance(backend, BundleBackend)
        else None
    )
    if files is not None:
        files.keep()
    write_journal(journal_path, journal)  # on disk before the first change
    result.journal_path = journal_path
    run = runner or run_command
    for number, step in todo:
        try:
            made = _apply_step(step, backend, journal, journal_path, files, run)
        except Exception as exc:  # any failure rolls back, then is reported
            reason = _reason(exc)
            _roll_back(journal, journal_path, backend, files, run, number, step, reason)
        if made:
            result.applied.append(step)
        else:
            result.unchanged.append(step)
    journal.state = "applied"
    if files is not None:
        files.update()
        files.prune()
    write_journal(journal_path, journal)
    return result


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    return str(exc) or type(exc).__name__


class _CommandFailed(Exception):
    pass


def _apply_step(
    step: PlanStep,
    backend: RegistryBackend,
    journal: Journal,
    journal_path: Path,
    files: _Files | None,
    run: CommandRunner,
) -> bool:
    """Make one step's change, journaled; ``False`` when it was already as planned."""
    change = step.change
    index = len(journal.entries)
    entry: dict[str, Any]
    if isinstance(change, RunCommand):
        entry = {
            "index": index,
            "check": step.check_id,
            "kind": "run-command",
            "command": change.command,
            "shell": change.shell.value,
            "undo": change.undo,
            "status": "pending",
            "output": None,
        }
        journal.entries.append(entry)
        write_journal(journal_path, journal)
        code, output = run(change.command, change.shell)
        entry["output"] = output
        if code != 0:
            raise _CommandFailed(f"`{change.command}` exited with {code}")
        entry["status"] = "applied"
        write_journal(journal_path, journal)
        return True
    if isinstance(change, SetValue):
        key, name, type_, data = change.primitive()
        current = backend.read_value(key, name)
        if _same(current, type_, data):
            return False
        entry = _registry_entry(index, step.check_id, "set-value", key, name, current)
        entry["after"] = encode_value(RegValue(name, int(type_), data, "", 0))
        journal.entries.append(entry)
        write_journal(journal_path, journal)
        backend.set_value(key, name, type_, data)
    elif isinstance(change, DeleteValue):
        key, name = change.primitive()
        current = backend.read_value(key, name)
        if current is None:
            return False
        entry = _registry_entry(index, step.check_id, "delete-value", key, name, current)
        journal.entries.append(entry)
        write_journal(journal_path, journal)
        backend.delete_value(key, name)
    else:
        assert isinstance(change, DeleteKey)
        key = change.primitive()
        if not backend.key_exists(key):
            return False
        tree = backend.tree(key)  # type: ignore[attr-defined]
        entry = _registry_entry(index, step.check_id, "delete-key", key, None, None)
        entry["before_tree"] = [_tree_item(k, v) for k, v in tree]
        journal.entries.append(entry)
        write_journal(journal_path, journal)
        backend.delete_key(key)
    entry["status"] = "applied"
    if files is not None:
        files.update()
    write_journal(journal_path, journal)
    return True


def _registry_entry(
    index: int, check: str, kind: str, key: str, name: str | None, current: RegValue | None
) -> dict[str, Any]:
    return {
        "index": index,
        "check": check,
        "kind": kind,
        "key": key,
        "name": name,
        "before": encode_value(current),
        "after": {"state": "absent"},
        "status": "pending",
    }


def _tree_item(key: str, value: RegValue | None) -> dict[str, Any]:
    if value is None:
        return {"key": key, "name": None, "type": None, "data": None}
    encoded = encode_value(value)
    return {"key": key, "name": value.name, "type": encoded["type"], "data": encoded["data"]}


def _roll_back(
    journal: Journal,
    journal_path: Path,
    backend: RegistryBackend,
    files: _Files | None,
    run: CommandRunner,
    number: int,
    step: PlanStep,
    reason: str,
) -> NoReturn:
    """Restore what was done, newest first; then raise :class:`FixFailed` (always)."""
    left: list[str] = []
    if files is not None:
        try:
            files.restore()
            files.update()
        except OSError as exc:
            left.append(f"the bundle's files could not be restored ({_reason(exc)})")
    for entry in reversed(journal.entries):
        if entry["status"] not in ("applied", "pending"):
            continue
        failed_here = entry["index"] == len(journal.entries) - 1 and entry["status"] == "pending"
        if files is None:
            problem = _restore_entry(entry, backend, run, failed_command=failed_here)
            if problem:
                left.append(problem)
                continue
        entry["status"] = "rolled-back"
    if files is not None and not left:
        still = [i["path"] for i in files.items if i["after"] != i["before"]]
        if still:
            left.append("still changed: " + ", ".join(still))
    journal.state = "rolled-back" if not left else journal.state
    try:
        write_journal(journal_path, journal)
    except OSError as exc:
        left.append(f"the journal could not be written ({_reason(exc)})")
    raise FixFailed(number, step, reason, rolled_back=not left, left="; ".join(left))


def _restore_entry(
    entry: dict[str, Any], backend: RegistryBackend, run: CommandRunner, *, failed_command: bool
) -> str | None:
    """Put one entry's ``before`` back; the problem as one line, or ``None``."""
    try:
        if entry["kind"] == "run-command":
            if failed_command:
                return None  # it failed: there is nothing of it to undo
            if entry["undo"] is None:
                return f"`{entry['command']}` has no undo command"
            code, _ = run(entry["undo"], Shell(entry["shell"]))
            return None if code == 0 else f"`{entry['undo']}` exited with {code}"
        if entry["kind"] == "delete-key":
            for item in entry["before_tree"]:
                if item["name"] is None:
                    backend.create_key(item["key"])  # type: ignore[attr-defined]
                else:
                    decoded = decode_value(
                        {"state": "present", "type": item["type"], "data": item["data"]}, "tree"
                    )
                    assert decoded is not None
                    backend.set_value(item["key"], item["name"], *decoded)
            return None
        before = decode_value(entry["before"], "before")
        if before is None:
            backend.delete_value(entry["key"], entry["name"])
        else:
            backend.set_value(entry["key"], entry["name"], *before)
    except Exception as exc:  # reported; the next entry is still restored
        return f"{entry['key']} {entry['name'] or ''}: {_reason(exc)}".strip()
    return None


# --- undo --------------------------------------------------------------------------------------


def undo(
    journal: Journal,
    backend: RegistryBackend,
    journal_path: Path,
    *,
    runner: CommandRunner | None = None,
) -> UndoResult:
    """Restore what ``journal`` recorded, newest entry first, and mark it undone.

    A bundle whose files are still exactly as the apply left them gets its original bytes
    back; one changed since is restored value by value. Raises :class:`FixFailed` when an
    entry cannot be restored (the others still are), ``ValueError`` when there is nothing to
    undo.
    """
    if journal.state == "undone":
        raise ValueError("the journal was undone already: nothing is left to undo")
    if journal.state == "rolled-back":
        raise ValueError("the fix was rolled back when it failed: nothing is left to undo")
    result = UndoResult()
    run = runner or run_command
    items = journal.target.get("files") if journal.target["kind"] == "bundle" else None
    if isinstance(backend, BundleBackend) and items:
        folder = backup_folder(journal_path)
        root = backend.folder
        untouched = all(_sha(root / i["path"]) == i["after"] for i in items) and all(
            i["backup"] is None or _sha(folder / i["backup"]) == i["before"] for i in items
        )
        if untouched:
            restore_files(root, folder, items)
            result.byte_for_byte = True
    problems = []
    for entry in reversed(journal.entries):
        if entry["status"] not in ("applied", "pending"):
            continue
        if not result.byte_for_byte:
            problem = _restore_entry(entry, backend, run, failed_command=False)
            if problem:
                problems.append(problem)
                continue
        entry["status"] = "undone"
        result.restored += 1
    if not problems:
        journal.state = "undone"
    if isinstance(backend, BundleBackend) and items:
        for item in items:
            item["after"] = _sha(backend.folder / item["path"])
    write_journal(journal_path, journal)
    if problems:
        raise FixFailed(0, None, "; ".join(problems), rolled_back=False, left="see the journal")
    return result


def describe_entry(entry: dict[str, Any]) -> str:
    """One journal entry as a person reads it (``undo`` prints these)."""
    if entry["kind"] == "run-command":
        return f"{entry['check']}: {entry['command']} (undo: {entry['undo'] or 'none'})"
    before = entry["before"]
    shown = "absent" if before["state"] == "absent" else f"{before['data']!r} ({before['type']})"
    name = "" if entry["name"] is None else f" {entry['name']}"
    return f"{entry['check']}: {entry['key']}{name} back to {shown}"
