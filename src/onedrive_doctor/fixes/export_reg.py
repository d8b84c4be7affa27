r"""``fix --export-reg FILE``: the plan's registry changes as a regedit ``.reg`` file, and back.

Two files, both "Windows Registry Editor Version 5.00" (UTF-16LE with a BOM, CRLF), written by
``registry.write_reg`` as regedit and ``reg export`` write them
(https://learn.microsoft.com/troubleshoot/windows-server/performance/add-modify-delete-registry-subkeys-values):

- ``FILE`` sets every value of the plan (``"name"=...``), deletes values (``"name"=-``) and keys
  (``[-KEY]``), in the plan's order;
- ``FILE`` with ``.before`` before its suffix (``fix.reg`` -> ``fix.before.reg``) puts back what
  the plan says was there before: the old data, or a deletion where the value was absent.

A ``.reg`` file cannot run a command or take a manual step, and cannot know a value the evidence
did not show: all of these are listed in ``;`` comment lines at the top of the files, so nothing
is dropped without a word. A deleted key's contents are not in the plan, so the header gives the
``reg export`` line that saves the key before the fix is imported.
"""

from __future__ import annotations

from pathlib import Path

from .._version import __version__
from ..registry._writer import encode_data, write_reg
from ..registry.regfile import DeleteKey as RegDeleteKey
from ..registry.regfile import DeleteValue as RegDeleteValue
from ..registry.regfile import RegData, RegOp, RegType, RegValue, _fold
from ..registry.regfile import SetValue as RegSetValue
from .changes import DeleteKey, Missing, SetValue
from .export_common import check_free, other_steps, registry_steps, write_whole
from .plan import Plan

__all__ = ["before_path", "export_reg", "render_reg"]


def before_path(path: Path) -> Path:
    """``fix.reg`` -> ``fix.before.reg`` (``fix`` -> ``fix.before.reg``)."""
    return path.with_name(
        f"{path.stem if path.suffix else path.name}.before{path.suffix or '.reg'}"
    )


def _fits(type_: int, data: RegData) -> bool:
    try:
        encode_data(type_, data)
    except ValueError:
        return False
    return True


def _assumed_type(data: RegData) -> int:
    if isinstance(data, int):
        return RegType.DWORD if data < 1 << 32 else RegType.QWORD
    if isinstance(data, tuple):
        return RegType.MULTI_SZ
    if isinstance(data, bytes):
        return RegType.BINARY
    return RegType.SZ


def _comment(lines: list[str]) -> list[str]:
    return [f"; {part}".rstrip() for line in lines for part in (line.splitlines() or [""])]


def _with_header(data: bytes, header: list[str]) -> bytes:
    """Put ``;`` lines right after the ``Windows Registry Editor`` line of ``write_reg`` output."""
    text = data[2:].decode("utf-16-le", errors="surrogatepass")
    first, _, rest = text.partition("\r\n")
    body = "".join(f"{line}\r\n" for line in _comment(header))
    return b"\xff\xfe" + f"{first}\r\n{body}{rest}".encode("utf-16-le", errors="surrogatepass")


def render_reg(plan: Plan) -> tuple[bytes, bytes]:
    """The bytes of the fix file and of the before file."""
    fix_ops: list[RegOp] = []
    before_ops: list[RegOp] = []
    seen: set[tuple[str, str]] = set()
    last: dict[tuple[str, str], object] = {}
    unknown: list[str] = []
    assumed: list[str] = []
    deleted_keys: list[str] = []
    admin = user = False
    for step, change in registry_steps(plan):
        admin = admin or change.hive.needs_admin
        user = user or not change.hive.needs_admin
        source = f"{step.check_id}"
        if isinstance(change, DeleteKey):
            fix_ops.append(RegDeleteKey(change.full_key, source, 0))
            deleted_keys.append(change.full_key)
            continue
        where = (_fold(change.full_key), _fold(change.name))
        op: RegSetValue | RegDeleteValue
        if isinstance(change, SetValue):
            _, name, set_type, data = change.primitive()
            op = RegSetValue(change.full_key, RegValue(name, set_type, data, source, 0))
            shape: object = (set_type, data)
        else:
            op = RegDeleteValue(change.full_key, change.name, source, 0)
            shape = None
        if last.get(where, ()) != shape:  # two checks asking for the same: written once
            fix_ops.append(op)
        last[where] = shape
        if where in seen:
            continue  # the first step that touches a value saw what was there before
        seen.add(where)
        before = change.before
        label = f"{change.full_key} {change.name or '(default)'}"
        if before is Missing.UNKNOWN:
            unknown.append(label)
        elif before is Missing.ABSENT:
            before_ops.append(RegDeleteValue(change.full_key, change.name, source, 0))
        elif isinstance(change, SetValue) and _fits(change.value_type.reg_type, before):
            type_: int = change.value_type.reg_type
            before_ops.append(
                RegSetValue(change.full_key, RegValue(change.name, type_, before, source, 0))
            )
        else:
            # A DeleteValue records the data before, not its type, and a SetValue's old data
            # may be of another type than the new: the data's shape says which.
            type_ = _assumed_type(before)
            assumed.append(f"{label}: type assumed {RegType(type_).name} from its data")
            before_ops.append(
                RegSetValue(change.full_key, RegValue(change.name, type_, before, source, 0))
            )
    header = [
        f"Written by onedrive-doctor {__version__} (fix --export-reg). Import with regedit or",
        "reg import FILE; the .before.reg file beside it puts back the values before the fix.",
    ]
    if admin:
        header.append("HKEY_LOCAL_MACHINE values: import from an elevated (administrator) prompt.")
    if user:
        header.append(
            "HKEY_CURRENT_USER values: import as the signed-in user (not another admin account)."
        )
    if plan.needs_restart:
        header.append("Restart Windows afterwards: some of these values apply only at startup.")
    others = other_steps(plan)
    if others:
        header += ["", "Not in this file (a .reg cannot run commands or take these steps):"]
        header += [f"  {line}" for line in others]
    if unknown:
        header += ["", "Value before not known (not in the before file; save it first):"]
        header += [f"  {line}" for line in unknown]
    if deleted_keys:
        header += ["", "Deleted keys: save each first, the before file cannot recreate it:"]
        header += [f'  reg export "{key}" saved-key.reg' for key in deleted_keys]
    if plan.after:
        header += ["", "After:"] + [f"  {line}" for line in plan.after]
    fix = _with_header(write_reg(fix_ops), header)
    back_header = [
        f"Written by onedrive-doctor {__version__} (fix --export-reg): the values before the fix.",
        "Import it to go back; values that were absent before are deleted.",
    ]
    if unknown or deleted_keys:
        back_header += ["", "Not restored by this file:"]
        back_header += [f"  {line}" for line in unknown]
        back_header += [f"  the key {key} (deleted by the fix)" for key in deleted_keys]
    if assumed:
        back_header += ["", "Types the plan does not record (from the data):"]
        back_header += [f"  {line}" for line in assumed]
    back = _with_header(write_reg(before_ops), back_header)
    return fix, back


def export_reg(plan: Plan, path: str | Path, *, force: bool = False) -> tuple[Path, Path]:
    """Write the fix file ``path`` and its before file; return both paths.

    Raises ``ExportError`` (an ``InputError``, exit 3) when either exists and ``force`` is not
    given.
    """
    target = Path(path)
    back = before_path(target)
    check_free(target, force=force)
    check_free(back, force=force)
    fix_bytes, back_bytes = render_reg(plan)
    write_whole(back, back_bytes)
    write_whole(target, fix_bytes)
    return target, back
