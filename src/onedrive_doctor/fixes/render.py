"""The one place a fix's human steps are written: each :class:`Change` rendered as a step.

Registry changes become the reg.exe line an administrator (HKLM) or the user (HKCU) runs
(reg add / reg delete, https://learn.microsoft.com/windows-server/administration/windows-commands/reg-add
and .../reg-delete); commands are shown exactly as they run; manual steps are their text. A
change's ``how`` wraps the command line in the sentence a person follows.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from ..registry.regfile import RegData
from .changes import Change, DeleteKey, DeleteValue, ManualStep, RunCommand, SetValue, ValueType

__all__ = [
    "NOT_SAFE_TO_PASTE",
    "cmd_quoted",
    "command_line",
    "host_argument",
    "is_domain_name",
    "reg_data_argument",
    "render_step",
    "render_steps",
]

#: What a placeholder says where a value from the evidence was not pasted into a command.
NOT_SAFE_TO_PASTE = "not safe to paste"

# cmd.exe (https://learn.microsoft.com/windows-server/administration/windows-commands/cmd):
# inside double quotes & | < > are literal, but %NAME% still expands, ^ and ! do with delayed
# expansion, and a " ends the quoting. Values come from bundles (issue 11 point 12: a DomainName
# of `X & del /q /s ...` was pasted into advice), so a value holding any of these, or a control
# or line-separating character, is never pasted: the command gets a placeholder instead.
_CMD_UNSAFE = re.compile(r'["%^&|<>!\x00-\x1f\x7f-\x9f\u2028\u2029]')
# A DNS label (RFC 1123: letters, digits, hyphens inside, at most 63), plus "_", which NetBIOS
# domain names (dsregcmd's DomainName) may hold; none of them is special in cmd or PowerShell.
_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?", re.ASCII)


def cmd_quoted(text: str) -> str | None:
    """``text`` in double quotes for cmd.exe, or None when no quoting makes it safe."""
    if _CMD_UNSAFE.search(text) is not None:
        return None
    return f'"{text}"'


def is_domain_name(text: str) -> bool:
    """Whether ``text`` is a DNS (or NetBIOS) domain name: dotted labels, 253 characters at most."""
    if not text or len(text) > 253:
        return False
    return all(_LABEL.fullmatch(label) is not None for label in text.split("."))


def host_argument(host: str) -> str | None:
    """``host`` as a command argument when it is a host name or an IP address, else None."""
    if is_domain_name(host):
        return host
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def _quoted(text: str, what: str = "value") -> str:
    quoted = cmd_quoted(text)
    return quoted if quoted is not None else f'"<{what}: {NOT_SAFE_TO_PASTE}>"'


def _value_argument(name: str) -> str:
    """``/v Name``; ``/ve`` for the default value; quoted when the name has a space."""
    if name == "":
        return "/ve"
    if cmd_quoted(name) is None:
        return f"/v {_quoted(name, 'value name')}"
    return f"/v {_quoted(name) if ' ' in name else name}"


def reg_data_argument(value_type: ValueType, data: RegData) -> str:
    """The ``/d`` argument of reg add for ``data`` (numbers above 9 in 0x hex, as reg.exe shows)."""
    if isinstance(data, int):
        return f"0x{data:X}" if data > 9 else str(data)
    if isinstance(data, bytes):
        return data.hex()
    if isinstance(data, tuple):
        return _quoted("\\0".join(data), "data")  # reg add's REG_MULTI_SZ separator is \0
    return _quoted(data, "data")


def command_line(change: SetValue | DeleteValue | DeleteKey | RunCommand) -> str:
    """The exact command line that makes ``change``."""
    if isinstance(change, RunCommand):
        return change.command
    key = _quoted(change.full_key, "key")
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
