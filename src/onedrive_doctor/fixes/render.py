"""The one place a fix's human steps are written: each :class:`Change` rendered as a step.

Registry changes become the reg.exe line an administrator (HKLM) or the user (HKCU) runs
(reg add / reg delete, https://learn.microsoft.com/windows-server/administration/windows-commands/reg-add
and .../reg-delete); commands are shown exactly as they run; manual steps are their text. A
change's ``how`` wraps the command line in the sentence a person follows.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..registry.regfile import RegData
from .changes import Change, DeleteKey, DeleteValue, ManualStep, RunCommand, SetValue, ValueType

__all__ = ["command_line", "reg_data_argument", "render_step", "render_steps"]


def _quoted(text: str) -> str:
    return f'"{text}"'


def _value_argument(name: str) -> str:
    """``/v Name``; ``/ve`` for the default value; quoted when the name has a space."""
    if name == "":
        return "/ve"
    return f"/v {_quoted(name) if ' ' in name else name}"


def reg_data_argument(value_type: ValueType, data: RegData) -> str:
    """The ``/d`` argument of reg add for ``data`` (numbers above 9 in 0x hex, as reg.exe shows)."""
    if isinstance(data, int):
        return f"0x{data:X}" if data > 9 else str(data)
    if isinstance(data, bytes):
        return data.hex()
    if isinstance(data, tuple):
        return _quoted("\\0".join(data))  # reg add's REG_MULTI_SZ separator is \0
    return _quoted(data)


def command_line(change: SetValue | DeleteValue | DeleteKey | RunCommand) -> str:
    """The exact command line that makes ``change``."""
    if isinstance(change, RunCommand):
        return change.command
    key = _quoted(change.full_key)
    if isinstance(change, SetValue):
        data = reg_data_argument(change.value_type, change.after)
        return (
            f"reg add {key} {_value_argument(change.name)} /t {change.value_type.value} "
            f"/d {data} /f"
        )
    if isinstance(change, DeleteValue):
        return f"reg delete {key} {_value_argument(change.name)} /f"
    return f"reg delete {key} /f"


def render_step(change: Change) -> str:
    """``change`` as the step a person reads in a report."""
    if isinstance(change, ManualStep):
        return change.text if change.link is None else f"{change.text} ({change.link})"
    line = command_line(change)
    if change.how is None:
        return line
    return change.how.replace("{command}", line)


def render_steps(changes: Iterable[Change]) -> tuple[str, ...]:
    """Every change rendered, in order."""
    return tuple(render_step(change) for change in changes)
